import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-fixtures/tiny-model.js';
import { TINY_IDS, writeTinyTokenizer } from '../test-fixtures/tiny-tokenizer.js';
import { loadTokenizer } from './load-tokenizer.js';

const chat = [
  { role: 'system' as const, content: 'be nice' },
  { role: 'user' as const, content: 'hello world' },
];

describe('loadTokenizer', () => {
  it('encodes and decodes through tokenizer.json', async () => {
    const dir = tempDir();
    writeTinyTokenizer(dir);
    const tok = await loadTokenizer(dir);
    expect(tok.vocabSize).toBe(26);
    expect(tok.encode('hello world')).toEqual([TINY_IDS['<s>'], TINY_IDS['▁hello'], TINY_IDS['▁world']]);
    expect(tok.encode('hello world', { addSpecialTokens: false })).toEqual([TINY_IDS['▁hello'], TINY_IDS['▁world']]);
    expect(tok.encode('hex', { addSpecialTokens: false })).toEqual([TINY_IDS['▁he'], TINY_IDS['<unk>']]);
    expect(tok.unkTokenId).toBe(TINY_IDS['<unk>']);
    expect(tok.decode(tok.encode('hello world hi'), { skipSpecialTokens: true })).toBe('hello world hi');
    expect(tok.decode([TINY_IDS['<s>']!, TINY_IDS['▁hi']!])).toBe('<s> hi');
    expect(tok.decode([])).toBe('');
    expect(() => tok.decode([26])).toThrow(expect.objectContaining({ code: 'ARGUMENT_INVALID' }));
  });

  it('takes special token ids from tokenizer_config.json ({content} objects too), falling back to config.json', async () => {
    const dir = tempDir();
    writeTinyTokenizer(dir);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ bos_token_id: 5, eos_token_id: [1, 4], pad_token_id: 2 }));
    const tok = await loadTokenizer(dir);
    expect(tok.bosTokenId).toBe(0); // tokenizer_config.json wins
    expect(tok.eosTokenIds).toEqual([1, 4]); // its eos first, then config.json's other stop tokens
    expect(tok.padTokenId).toBe(2); // pad_token null there, so config.json's

    // generation_config.json lists every stop token (Llama 3 lists three): all of them end generation.
    writeFileSync(join(dir, 'generation_config.json'), JSON.stringify({ eos_token_id: [4, 7, 9], do_sample: false }));
    expect((await loadTokenizer(dir)).eosTokenIds).toEqual([1, 4, 7, 9]);
    writeFileSync(join(dir, 'generation_config.json'), JSON.stringify({ eos_token_id: 8 }));
    expect((await loadTokenizer(dir)).eosTokenIds).toEqual([1, 8, 4]);
    writeFileSync(join(dir, 'generation_config.json'), '[1]');
    await expect(loadTokenizer(dir)).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      message: `${join(dir, 'generation_config.json')}: expected a JSON object`,
    });
    writeFileSync(join(dir, 'generation_config.json'), '{}');

    writeTinyTokenizer(dir, { eos_token: '<nope>' });
    await expect(loadTokenizer(dir)).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      message: expect.stringMatching(/tokenizer_config\.json: eos_token "<nope>" is not in the tokenizer's vocabulary/),
    });
  });

  it('renders the chat template with and without the generation prompt', async () => {
    const dir = tempDir();
    writeTinyTokenizer(dir);
    const tok = await loadTokenizer(dir);
    const text = '<s><|system|>\nbe nice</s>\n<|user|>\nhello world</s>\n';
    expect(tok.applyChatTemplate(chat)).toBe(text);
    expect(tok.applyChatTemplate(chat, { addGenerationPrompt: true })).toBe(`${text}<|assistant|>\n`);
    // The rendered text tokenizes with its special tokens as single ids, in order.
    const ids = tok.encode(tok.applyChatTemplate(chat.slice(1), { addGenerationPrompt: true }), {
      addSpecialTokens: false,
    });
    const special = new Set([0, 1, TINY_IDS['<|user|>'], TINY_IDS['<|assistant|>']]);
    expect(ids.filter((id) => special.has(id))).toEqual([0, TINY_IDS['<|user|>'], 1, TINY_IDS['<|assistant|>']]);
    expect(ids).toContain(TINY_IDS['▁world']);
  });

  it('reports template errors raised for the messages', async () => {
    const dir = tempDir();
    writeTinyTokenizer(dir, {
      chat_template:
        "{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}ok",
    });
    const tok = await loadTokenizer(dir);
    expect(tok.applyChatTemplate(chat.slice(1))).toBe('ok');
    expect(() => tok.applyChatTemplate(chat)).toThrow(
      expect.objectContaining({ code: 'DATA_INVALID', message: expect.stringContaining('System role not supported') }),
    );
  });

  it('says clearly when the model has no chat template, and refuses a broken one at load', async () => {
    const dir = tempDir();
    writeTinyTokenizer(dir, { chat_template: undefined });
    const tok = await loadTokenizer(dir);
    expect(tok.encode('hi', { addSpecialTokens: false })).toEqual([TINY_IDS['▁hi']]);
    expect(() => tok.applyChatTemplate(chat)).toThrow(
      expect.objectContaining({
        code: 'CHECKPOINT_UNSUPPORTED',
        message: expect.stringContaining('tokenizer_config.json'),
      }),
    );

    writeFileSync(join(dir, 'chat_template.jinja'), '{% for m in messages %}[{{ m.content }}]{% endfor %}');
    expect((await loadTokenizer(dir)).applyChatTemplate(chat)).toBe('[be nice][hello world]');

    writeTinyTokenizer(dir, { chat_template: '{% for %}' });
    await expect(loadTokenizer(dir)).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      message: expect.stringContaining('the chat template does not parse'),
    });
  });

  it('names a missing or unusable tokenizer.json', async () => {
    const dir = tempDir();
    await expect(loadTokenizer(dir)).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      message: `${join(dir, 'tokenizer.json')}: file not found`,
    });
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify({ model: { type: 'Mystery' } }));
    await expect(loadTokenizer(dir)).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      message: expect.stringContaining('tokenizer.json: not a tokenizer'),
    });
  });
});
