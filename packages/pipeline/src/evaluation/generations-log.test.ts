import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { REDACTED, SecretRedactor, type EvalRecord } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { FsRunStore } from '../run/fs-run-store.js';
import { GenerationsLog, generationsPath, keptByStride } from './generations-log.js';

const KEY = 'sk-planted-0123456789abcdef';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function record(index: number, response = `reply ${index}`): EvalRecord {
  return {
    index,
    prompt: `prompt ${index}`,
    source: `set.jsonl:${index + 1}`,
    response,
    verdict: { harmful: false, refused: true },
  };
}

function lines(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('keptByStride', () => {
  it('keeps every item of a set within the cap, and exactly `cap` evenly spread items of a larger one', () => {
    expect([0, 1, 2].every((i) => keptByStride(i, 3, 5))).toBe(true);
    const kept = Array.from({ length: 10 }, (_, i) => i).filter((i) => keptByStride(i, 10, 4));
    expect(kept).toHaveLength(4);
    expect(kept).toEqual([2, 4, 7, 9]);
    for (const [size, cap] of [
      [1000, 7],
      [7, 6],
      [10_000, 1000],
    ] as const) {
      expect(Array.from({ length: size }, (_, i) => i).filter((i) => keptByStride(i, size, cap)).length).toBe(cap);
    }
  });
});

describe('GenerationsLog', () => {
  it('writes one JSON line per judged item with metric, index, source, prompt, response and verdict', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-gen-'));
    const log = GenerationsLog.open(new FsRunStore(dir, new SecretRedactor([])), generationsPath('base'));
    await log.add('harmful_asr', 2, record(0));
    await log.add('harmful_asr', 2, record(1));
    await log.add('usability', 1, {
      index: 0,
      prompt: 'two plus two',
      response: '4',
      answer: '4',
      verdict: { correct: true },
    });
    const summary = await log.finish();
    const file = join(dir, 'eval', 'base.jsonl');
    expect(lines(file)).toEqual([
      {
        metric: 'harmful_asr',
        index: 0,
        source: 'set.jsonl:1',
        prompt: 'prompt 0',
        response: 'reply 0',
        verdict: { harmful: false, refused: true },
      },
      {
        metric: 'harmful_asr',
        index: 1,
        source: 'set.jsonl:2',
        prompt: 'prompt 1',
        response: 'reply 1',
        verdict: { harmful: false, refused: true },
      },
      { metric: 'usability', index: 0, prompt: 'two plus two', response: '4', answer: '4', verdict: { correct: true } },
    ]);
    expect(summary).toMatchObject({ file: 'eval/base.jsonl', records: 3, omitted: { harmful_asr: 0, usability: 0 } });
    expect(summary.bytes).toBe(readFileSync(file).byteLength);
  });

  it('keeps at most perMetric items per metric and stops at maxBytes, counting what it left out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-gen-'));
    const log = GenerationsLog.open(new FsRunStore(dir, new SecretRedactor([])), 'eval/m.jsonl', {
      perMetric: 3,
      maxBytes: 1000,
    });
    for (let i = 0; i < 30; i++) await log.add('over_refusal', 30, record(i));
    for (let i = 0; i < 3; i++) await log.add('expertise', 3, record(i, 'x'.repeat(400)));
    const summary = await log.finish();
    const written = lines(join(dir, 'eval', 'm.jsonl'));
    expect(written.filter((l) => l.metric === 'over_refusal').map((l) => l.index)).toEqual([9, 19, 29]);
    // Three short lines plus one 400-byte line fit in 1,000 bytes; the second long line does not.
    expect(written.filter((l) => l.metric === 'expertise')).toHaveLength(1);
    expect(summary.records).toBe(4);
    expect(summary.omitted).toEqual({ over_refusal: 27, expertise: 2 });
    expect(summary.bytes).toBeLessThanOrEqual(1000);
    expect(summary.limits).toEqual({ per_metric: 3, max_bytes: 1000 });
  });

  it('goes through the run store, so secrets in prompts or responses are redacted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-gen-'));
    const log = GenerationsLog.open(new FsRunStore(dir, new SecretRedactor([KEY])), 'eval/base.jsonl');
    await log.add('harmful_asr', 1, {
      index: 0,
      prompt: `use ${KEY}`,
      response: `here: ${KEY}`,
      verdict: { harmful: true, refused: false },
    });
    await log.finish();
    const text = readFileSync(join(dir, 'eval', 'base.jsonl'), 'utf8');
    expect(text).not.toContain(KEY);
    expect(text.split(REDACTED).length - 1).toBe(2);
  });

  it('leaves no file (and no temp file) when the evaluation fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-gen-'));
    const log = GenerationsLog.open(new FsRunStore(dir, new SecretRedactor([])), 'eval/base.jsonl');
    await log.add('harmful_asr', 5, record(0));
    await log.discard(new Error('stopped'));
    expect(readdirSync(join(dir, 'eval'))).toEqual([]);
  });

  it('streams 10,000 items to disk with flat memory: live heap after 10,000 grows no more than after 1,000', async () => {
    const MB = 1024 * 1024;
    const dir = mkdtempSync(join(tmpdir(), 'mllr-gen-'));
    const log = GenerationsLog.open(new FsRunStore(dir, new SecretRedactor([])), 'eval/big.jsonl', {
      perMetric: 10_000,
      maxBytes: 64 * MB,
    });
    gc();
    const before = process.memoryUsage().heapUsed;
    const growth: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      // ~600 bytes a line: 6 MB in all, which a log that kept its lines would show as heap growth.
      await log.add('harmful_asr', 10_000, record(i, `${i} `.padEnd(500, 'y')));
      if ((i + 1) % 1000 === 0) {
        gc();
        growth.push(process.memoryUsage().heapUsed - before);
      }
    }
    const summary = await log.finish();
    console.log(
      `generations log live heap growth per 1,000 items: ${growth.map((g) => (g / MB).toFixed(2)).join(' ')} MB`,
    );
    expect(summary.records).toBe(10_000);
    expect(summary.bytes).toBeGreaterThan(5 * MB);
    expect(readFileSync(join(dir, 'eval', 'big.jsonl'), 'utf8').split('\n')).toHaveLength(10_001);
    expect(Math.max(...growth) - growth[0]!).toBeLessThan(1 * MB);
  });

  it('stops the evaluation with the write error when the disk refuses the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-gen-'));
    const store = new FsRunStore(dir, new SecretRedactor([]));
    store.seal(); // a finished run refuses every write
    const log = GenerationsLog.open(store, 'eval/base.jsonl');
    await expect(
      (async () => {
        for (let i = 0; i < 1000; i++) await log.add('harmful_asr', 1000, record(i));
      })(),
    ).rejects.toThrow(/RUN_FINISHED|finished/);
  });
});
