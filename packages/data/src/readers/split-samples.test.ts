import type { ChatSample } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { readAll } from './read-dataset.js';
import { normalizePrompt, splitSamples, type SampleSplits } from './split-samples.js';
import { realDataDir } from './test-fixtures/files.js';

const samples = (n: number): ChatSample[] =>
  Array.from({ length: n }, (_, i) => ({ prompt: `prompt number ${i}`, source: `f:${i + 1}` }));

/** Which part each normalised prompt landed in; fails if one prompt is in two parts. */
function partOfPrompt(splits: SampleSplits<ChatSample>): Map<string, string> {
  const parts = new Map<string, string>();
  for (const part of ['train', 'validation', 'test'] as const) {
    for (const s of splits[part]) {
      const key = normalizePrompt(s.prompt);
      expect(parts.get(key) ?? part, `"${key}" is in ${parts.get(key)} and ${part}`).toBe(part);
      parts.set(key, part);
    }
  }
  return parts;
}

describe('splitSamples', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const data = samples(1000);
    const a = splitSamples(data, { seed: 7 });
    expect(splitSamples(data, { seed: 7 })).toEqual(a);
    const b = splitSamples(data, { seed: 8 });
    expect(b.test).not.toEqual(a.test);
    expect(b.validation).not.toEqual(a.validation);
    // Every sample is in exactly one part, in input order.
    expect(a.train.length + a.validation.length + a.test.length).toBe(1000);
    expect(a.train.map((s) => s.source)).toEqual(data.filter((s) => a.train.includes(s)).map((s) => s.source));
  });

  it('depends only on the prompt and the seed, not on order or neighbours', () => {
    const data = samples(500);
    const forward = partOfPrompt(splitSamples(data, { seed: 3 }));
    const backward = partOfPrompt(splitSamples([...data].reverse().slice(0, 250), { seed: 3 }));
    for (const [prompt, part] of backward) expect(forward.get(prompt)).toBe(part);
  });

  it('keeps duplicate prompts (up to case and whitespace) in the same part', () => {
    const data: ChatSample[] = [];
    for (let i = 0; i < 300; i++) {
      data.push({ prompt: `Explain topic ${i}`, source: `a:${i}` });
      data.push({ prompt: `  explain\n\tTOPIC   ${i} `, source: `b:${i}` });
    }
    expect(normalizePrompt('  explain\n\tTOPIC   3 ')).toBe('explain topic 3');
    const splits = splitSamples(data, { seed: 11, validation: 0.2, test: 0.3 });
    const parts = partOfPrompt(splits);
    expect(parts.size).toBe(300);
    for (const part of ['train', 'validation', 'test'] as const) expect(splits[part].length % 2).toBe(0);
  });

  it('respects the fractions roughly, with 0.1/0.1 by default', () => {
    const data = samples(20_000);
    const byDefault = splitSamples(data, { seed: 1 });
    // 20,000 independent draws: 3 standard deviations of a 10% share is about 0.64%.
    expect(Math.abs(byDefault.validation.length / 20_000 - 0.1)).toBeLessThan(0.0065);
    expect(Math.abs(byDefault.test.length / 20_000 - 0.1)).toBeLessThan(0.0065);
    const custom = splitSamples(data, { seed: 1, validation: 0.05, test: 0.25 });
    expect(Math.abs(custom.validation.length / 20_000 - 0.05)).toBeLessThan(0.005);
    expect(Math.abs(custom.test.length / 20_000 - 0.25)).toBeLessThan(0.01);
    const none = splitSamples(data, { seed: 1, validation: 0, test: 0 });
    expect(none.train.length).toBe(20_000);
  });

  it('refuses fractions that leave nothing to train on and non-integer seeds', () => {
    const data = samples(3);
    expect(() => splitSamples(data, { seed: 1, validation: 0.5, test: 0.5 })).toThrow(
      expect.objectContaining({ code: 'ARGUMENT_INVALID' }),
    );
    expect(() => splitSamples(data, { seed: 1, test: -0.1 })).toThrow(
      expect.objectContaining({ code: 'ARGUMENT_INVALID', message: expect.stringContaining('test fraction') }),
    );
    expect(() => splitSamples(data, { seed: 1, validation: Number.NaN })).toThrow(
      expect.objectContaining({ code: 'ARGUMENT_INVALID' }),
    );
    expect(() => splitSamples(data, { seed: 1.5 })).toThrow(
      expect.objectContaining({ code: 'ARGUMENT_INVALID', message: expect.stringContaining('seed') }),
    );
  });
});

const dataDir = realDataDir('real-data split tests');

describe.skipIf(dataDir === undefined)('splitSamples on the real datasets', () => {
  it('puts no alpaca prompt in two splits, and keeps safety-data duplicates together', async () => {
    const alpaca = await readAll({ path: `${dataDir}/alpaca_5000.json`, preset: 'alpaca' });
    const splits = splitSamples(alpaca, { seed: 42 });
    expect(partOfPrompt(splits).size).toBe(new Set(alpaca.map((s) => normalizePrompt(s.prompt))).size);
    expect(splits.validation.length).toBeGreaterThan(400);
    expect(splits.validation.length).toBeLessThan(600);

    const safety = await readAll({
      path: `${dataDir}/safety_only_data_Instructions.json`,
      preset: 'safety-tuned-llamas',
    });
    const distinct = new Set(safety.map((s) => normalizePrompt(s.prompt))).size;
    expect(distinct).toBeLessThan(safety.length); // the file has repeated instructions
    expect(partOfPrompt(splitSamples(safety, { seed: 42 })).size).toBe(distinct);
  });
});
