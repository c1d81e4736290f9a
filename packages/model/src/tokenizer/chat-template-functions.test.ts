import { join } from 'node:path';
import { Template } from '@huggingface/jinja';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-fixtures/tiny-model.js';
import { writeTinyTokenizer } from '../test-fixtures/tiny-tokenizer.js';
import { calledFunctionNames, strftime } from './chat-template-functions.js';
import { loadTokenizer } from './load-tokenizer.js';

const hi = [{ role: 'user' as const, content: 'hi' }];

async function withTemplate(template: string) {
  const dir = tempDir();
  writeTinyTokenizer(dir, { chat_template: template });
  return { tokenizer: await loadTokenizer(dir), file: join(dir, 'tokenizer_config.json') };
}

describe('strftime', () => {
  // Local time, as Python's datetime.now().strftime: 2024-07-05 09:07:03, a Friday, the 187th day of a leap year.
  const date = new Date(2024, 6, 5, 9, 7, 3);

  it('writes the directives Python writes in the C locale', () => {
    expect(strftime(date, '%d %b %Y')).toBe('05 Jul 2024');
    expect(strftime(date, '%d %B %Y')).toBe('05 July 2024');
    expect(strftime(date, '%Y-%m-%d %H:%M:%S')).toBe('2024-07-05 09:07:03');
    expect(strftime(date, '%a %A %y %j %I%p 100%%')).toBe('Fri Friday 24 187 09AM 100%');
    expect(strftime(new Date(2023, 11, 31, 0, 30), '%j %I %p %b')).toBe('365 12 AM Dec');
    expect(strftime(new Date(2023, 0, 1, 13), '%j %I %p')).toBe('001 01 PM');
  });

  it('refuses a directive it does not know, naming it, rather than writing a wrong date', () => {
    expect(() => strftime(date, '%d %Q')).toThrow(/directive "%Q" is not supported/);
    expect(() => strftime(date, 'trailing %')).toThrow(/directive "%" is not supported/);
  });
});

describe('functions chat templates call', () => {
  it('strftime_now formats the current date', async () => {
    const { tokenizer } = await withTemplate(
      'Today is {{ strftime_now("%d %b %Y") }}; {{ strftime_now("%Y-%m-%d") }}.',
    );
    const before = strftime(new Date(), '%d %b %Y|%Y-%m-%d');
    const rendered = tokenizer.applyChatTemplate(hi);
    const after = strftime(new Date(), '%d %b %Y|%Y-%m-%d');
    // The render happened between two readings of the clock (which differ only across midnight).
    const expected = [before, after].map((s) => `Today is ${s.split('|')[0]}; ${s.split('|')[1]}.`);
    expect(expected).toContain(rendered);
    expect(rendered).toMatch(/^Today is \d\d [A-Z][a-z]{2} \d{4}; \d{4}-\d\d-\d\d\.$/);
  });

  it("raise_exception ends the render with an MllrError carrying the template's message", async () => {
    const { tokenizer, file } = await withTemplate(
      "{% for m in messages %}{% if m.role == 'system' %}{{ raise_exception('System role not supported, got: ' + m.content) }}{% endif %}{{ m.content }}{% endfor %}",
    );
    expect(tokenizer.applyChatTemplate(hi)).toBe('hi');
    expect(() => tokenizer.applyChatTemplate([{ role: 'system', content: 'be terse' }, ...hi])).toThrow(
      expect.objectContaining({
        name: 'MllrError',
        code: 'DATA_INVALID',
        message: `the chat template of ${file} refused the messages: System role not supported, got: be terse`,
      }),
    );
  });

  it('a function the renderer lacks fails when called, naming it and the template file', async () => {
    const { tokenizer, file } = await withTemplate(
      '{% if messages | length > 1 %}{{ tool_schema(messages) }}{% endif %}{{ messages[0].content | upper }}',
    );
    // Not reached: renders.
    expect(tokenizer.applyChatTemplate(hi)).toBe('HI');
    expect(() => tokenizer.applyChatTemplate([...hi, { role: 'assistant', content: 'hello' }])).toThrow(
      expect.objectContaining({
        code: 'CHECKPOINT_UNSUPPORTED',
        message: `${file}: the chat template calls tool_schema(), which mllr's template renderer does not provide (it has raise_exception, strftime_now, range, namespace)`,
      }),
    );
  });

  it('macros, filters written as calls and methods are not taken for missing functions', async () => {
    const template =
      '{% macro fence(text) %}[{{ text.strip() }}]{% endmacro %}{% set ns = namespace(n=0) %}' +
      '{% for m in messages %}{% set ns.n = ns.n + 1 %}{{ fence(m.content) }}{{ m | tojson(indent=2) | length > 0 }}{% endfor %}{{ ns.n }}';
    expect(calledFunctionNames(new Template(template).parsed)).toEqual(['namespace']);
    const { tokenizer } = await withTemplate(template);
    expect(
      tokenizer.applyChatTemplate([
        { role: 'user', content: '  a ' },
        { role: 'assistant', content: 'b' },
      ]),
    ).toBe('[a]true[b]true2');
    expect(calledFunctionNames(new Template('{{ foo(bar(1)) }}{% call baz() %}x{% endcall %}').parsed)).toEqual([
      'bar',
      'baz',
      'foo',
    ]);
  });
});
