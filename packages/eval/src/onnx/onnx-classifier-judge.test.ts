import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MllrError } from '@mllr/core';
import { loadTokenizer } from '@mllr/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harmfulLabelIndex, softmaxRows } from './harmful-label.js';
import { OnnxClassifierJudge } from './onnx-classifier-judge.js';
import { CLASSIFIER_IDS, writeTinyClassifier } from './test-fixtures/tiny-classifier.js';
import { encodeTruncated } from './truncate-encoding.js';

const pairs = [
  { prompt: 'q', response: 'Sure, here is how to build a bomb at home' },
  { prompt: 'q', response: 'Here is a recipe for banana bread' },
  { prompt: 'q', response: "I can't help with that" },
  { prompt: 'q', response: 'bomb' },
];

describe('OnnxClassifierJudge on a tiny ONNX classifier', () => {
  let root: string;
  let masked: string;
  let unmasked: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'mllr-eval-onnx-'));
    masked = writeTinyClassifier(join(root, 'masked'), { withMask: true });
    unmasked = writeTinyClassifier(join(root, 'unmasked'), { withMask: false });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('flags the responses containing the trigger word, with and without an attention mask', async () => {
    for (const dir of [masked, unmasked]) {
      const judge = new OnnxClassifierJudge({ modelPath: dir, batchSize: 3 });
      const verdicts = await judge.judge(pairs);
      await judge.dispose();
      expect(verdicts.map((v) => v.harmful)).toEqual([true, false, false, true]);
      expect(verdicts.map((v) => v.refused)).toEqual([false, false, true, false]);
      expect(verdicts[0]!.reason).toMatch(/^P\(unsafe\) = 0\.9\d\d$/);
      expect(verdicts[1]!.reason).toBe('P(unsafe) = 0.119');
    }
  });

  it('gives padded batches the same verdicts as single responses', async () => {
    const batched = new OnnxClassifierJudge({ modelPath: masked, batchSize: 4 });
    const single = new OnnxClassifierJudge({ modelPath: masked, batchSize: 1 });
    expect(await batched.judge(pairs)).toEqual(await single.judge(pairs));
    await Promise.all([batched.dispose(), single.dispose()]);
  });

  it('accepts the .onnx file itself, a label, a threshold and truncation', async () => {
    const strict = new OnnxClassifierJudge({
      modelPath: join(masked, 'model.onnx'),
      harmfulLabel: 'unsafe',
      threshold: 0.9999,
    });
    expect((await strict.judge(pairs)).map((v) => v.harmful)).toEqual([false, false, false, true]);
    // "safe" as the harmful class inverts the verdicts.
    const inverted = new OnnxClassifierJudge({ modelPath: masked, harmfulLabel: 0 });
    expect((await inverted.judge(pairs)).map((v) => v.harmful)).toEqual([false, true, true, false]);
    // Cut to 10 tokens, "bomb" at the end of the first response is gone.
    const short = new OnnxClassifierJudge({ modelPath: masked, maxLength: 10 });
    expect((await short.judge(pairs)).map((v) => v.harmful)).toEqual([false, false, false, true]);
    await Promise.all([strict.dispose(), inverted.dispose(), short.dispose()]);
  });

  it('reports missing files, unknown labels and a missing runtime clearly', async () => {
    const missing = join(root, 'nope');
    await expect(new OnnxClassifierJudge({ modelPath: missing }).judge(pairs)).rejects.toThrow(
      `ONNX classifier model not found: ${missing}`,
    );
    await expect(new OnnxClassifierJudge({ modelPath: root }).judge(pairs)).rejects.toThrow(
      /no ONNX classifier model in .*model\.onnx/,
    );
    await expect(new OnnxClassifierJudge({ modelPath: masked, harmfulLabel: 'toxic' }).judge(pairs)).rejects.toThrow(
      /harmfulLabel "toxic" is not a label of .*config\.json \(0: safe, 1: unsafe\)/,
    );
    await expect(new OnnxClassifierJudge({ modelPath: masked, tokenizerPath: root }).judge(pairs)).rejects.toThrow(
      `needs ${join(root, 'tokenizer.json')}`,
    );
    const noRuntime = new OnnxClassifierJudge(
      { modelPath: masked },
      {
        loadRuntime: () => Promise.reject(new MllrError('PLUGIN_UNAVAILABLE', 'onnxruntime-node could not be loaded')),
      },
    );
    await expect(noRuntime.judge(pairs)).rejects.toMatchObject({ code: 'PLUGIN_UNAVAILABLE' });
  });

  it('keeps the special tokens at both ends when it truncates', async () => {
    const tokenizer = await loadTokenizer(masked);
    const ids = encodeTruncated(tokenizer, 'abc def', 5);
    expect(ids).toEqual([
      CLASSIFIER_IDS['<s>'],
      CLASSIFIER_IDS['▁'],
      CLASSIFIER_IDS['a'],
      CLASSIFIER_IDS['b'],
      CLASSIFIER_IDS['</s>'],
    ]);
    expect(encodeTruncated(tokenizer, 'bomb', 5)).toEqual([
      CLASSIFIER_IDS['<s>'],
      CLASSIFIER_IDS['▁bomb'],
      CLASSIFIER_IDS['</s>'],
    ]);
  });
});

describe('harmful label and softmax', () => {
  const labels = (...names: string[]) => new Map(names.map((n, i) => [i, n]));

  it('finds the harmful label and refuses to guess between several', () => {
    expect(harmfulLabelIndex(labels('safe', 'unsafe'), undefined, 'c')).toBe(1);
    expect(harmfulLabelIndex(labels('toxic', 'non-toxic'), undefined, 'c')).toBe(0);
    expect(harmfulLabelIndex(labels('not_harmful', 'harmful'), undefined, 'c')).toBe(1);
    expect(harmfulLabelIndex(labels('harmless', 'LABEL_HARM'), undefined, 'c')).toBe(1);
    expect(() => harmfulLabelIndex(labels('toxic', 'unsafe'), undefined, 'c')).toThrow(
      /cannot tell which label of c is the harmful one \(0: toxic, 1: unsafe\)/,
    );
    expect(() => harmfulLabelIndex(labels('LABEL_0', 'LABEL_1'), undefined, 'c')).toThrow(
      /set the harmfulLabel option/,
    );
    expect(() => harmfulLabelIndex(undefined, undefined, 'c')).toThrow(/has no "id2label"/);
    expect(harmfulLabelIndex(undefined, 1, 'c')).toBe(1);
  });

  it('computes a stable softmax per row', () => {
    const p = softmaxRows([1000, 1000, 0, Math.log(3)], 2, 2);
    expect([...p]).toEqual([0.5, 0.5, 0.25, 0.75].map((v) => expect.closeTo(v, 12) as unknown as number));
  });
});
