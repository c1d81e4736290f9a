import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-fixtures/tiny-model.js';
import { tinyTokenizerJson, writeTinyTokenizer } from '../test-fixtures/tiny-tokenizer.js';
import { MAX_CHAT_TEMPLATE_CHARS, MAX_RANGE_ITEMS, MAX_TEMPLATE_WHITESPACE_RUN } from './chat-template.js';
import { MAX_TOKEN_ID } from './check-token-ids.js';
import { loadTokenizer } from './load-tokenizer.js';

const hi = [{ role: 'user' as const, content: 'hi' }];

async function tokenizerWithTemplate(template: string) {
  const dir = tempDir();
  writeTinyTokenizer(dir, { chat_template: template });
  return loadTokenizer(dir);
}

describe('chat templates run in the jinja sandbox', () => {
  it('gives templates no way to JavaScript: constructors, process, require and globals are not reachable', async () => {
    const attempts = [
      "{{ ''.constructor.constructor('return process')().exit(7) }}",
      "{{ messages.constructor.constructor('return 1')() }}",
      '{{ process.env }}',
      "{{ require('fs') }}",
      '{{ globalThis.process.exit(7) }}',
      "{{ range.constructor('return process')() }}",
      '{{ messages.__proto__.polluted }}',
    ];
    for (const template of attempts) {
      const tok = await tokenizerWithTemplate(template);
      let rendered: string | undefined;
      try {
        rendered = tok.applyChatTemplate(hi);
      } catch (error) {
        // Refused for the messages, or (`require(…)`) as a call to a function the renderer does not provide.
        expect(error, template).toMatchObject({
          code: expect.stringMatching(/^(DATA_INVALID|CHECKPOINT_UNSUPPORTED)$/),
          message: expect.stringContaining('tokenizer_config.json'),
        });
      }
      // Either refused, or rendered as nothing useful: never a function's source, an environment or a process.
      if (rendered !== undefined)
        expect(rendered, template).not.toMatch(/function|native code|PATH|HOME|\[object process\]/);
    }
    expect(process.exitCode ?? 0).toBe(0);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('bounds range() so a huge loop fails cleanly instead of exhausting memory', async () => {
    const huge = await tokenizerWithTemplate('{% for i in range(10000000000) %}x{% endfor %}');
    expect(() => huge.applyChatTemplate(hi)).toThrow(
      expect.objectContaining({
        code: 'DATA_INVALID',
        message: expect.stringContaining(`range() asked for more than ${MAX_RANGE_ITEMS} numbers`),
      }),
    );
    const nested = await tokenizerWithTemplate(
      '{% for i in range(200) %}{% for j in range(200) %}x{% endfor %}{% endfor %}',
    );
    expect(() => nested.applyChatTemplate(hi)).toThrow(expect.objectContaining({ code: 'DATA_INVALID' }));
    const small = await tokenizerWithTemplate(
      '{% for i in range(2, 8, 2) %}{{ i }}{% endfor %}{% for i in range(3) %}{{ i }}{% endfor %}',
    );
    expect(small.applyChatTemplate(hi)).toBe('246012');
  });

  it('refuses templates too long, or with whitespace runs the lexer would take seconds over', async () => {
    await expect(tokenizerWithTemplate('x'.repeat(MAX_CHAT_TEMPLATE_CHARS + 1))).rejects.toMatchObject({
      code: 'CHECKPOINT_UNSUPPORTED',
      message: expect.stringContaining('tokenizer_config.json: the chat template is'),
    });
    const spaced = `{{ bos_token ${' '.repeat(MAX_TEMPLATE_WHITESPACE_RUN + 1)}}}`;
    await expect(tokenizerWithTemplate(spaced)).rejects.toMatchObject({
      code: 'CHECKPOINT_UNSUPPORTED',
      message: expect.stringContaining('run of more than 4096 whitespace'),
    });
  });
});

describe('tokenizer.json token ids', () => {
  it('refuses ids that are not integers in range before the library sees them', async () => {
    for (const id of [MAX_TOKEN_ID + 1, -1, 1.5, 2 ** 31, '7', null]) {
      const dir = tempDir();
      writeTinyTokenizer(dir);
      const json = tinyTokenizerJson() as { model: { vocab: Record<string, unknown> } };
      json.model.vocab['▁hello'] = id;
      writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(json));
      await expect(loadTokenizer(dir), String(id)).rejects.toMatchObject({
        code: 'CHECKPOINT_INVALID',
        message: expect.stringContaining('model.vocab entry "▁hello" has id'),
      });
    }
  });

  it('refuses to hand out undefined ids when the unknown token is missing from the vocabulary', async () => {
    const dir = tempDir();
    writeTinyTokenizer(dir);
    const json = tinyTokenizerJson() as { model: { vocab: Record<string, unknown>; unk_token?: string } };
    json.model.unk_token = '<gone>';
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(json));
    const tok = await loadTokenizer(dir).catch((e: unknown) => e);
    if (tok instanceof Error) {
      expect(tok).toMatchObject({ code: 'CHECKPOINT_INVALID' });
      return;
    }
    expect(() => (tok as Awaited<ReturnType<typeof loadTokenizer>>).encode('zzz qqq')).toThrow(
      expect.objectContaining({
        code: 'CHECKPOINT_INVALID',
        message: expect.stringContaining('tokenizer.json: the tokenizer gave no valid id'),
      }),
    );
  });
});
