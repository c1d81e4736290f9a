import { MllrError, type ModelArchitecture } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { checkFitsDevice, translateOutOfMemory } from './memory-limit.js';

/** A Qwen2.5-0.5B-shaped architecture (494M parameters, tied head). */
const QWEN_05B: ModelArchitecture = {
  family: 'qwen2',
  vocabSize: 151936,
  hiddenSize: 896,
  intermediateSize: 4864,
  numLayers: 24,
  numHeads: 14,
  numKvHeads: 2,
  headDim: 64,
  maxPositionEmbeddings: 32768,
  rmsNormEps: 1e-6,
  ropeTheta: 1e6,
  qkvBias: true,
  tieWordEmbeddings: true,
} as ModelArchitecture;

describe('checkFitsDevice', () => {
  it('refuses to fine-tune a 494M-parameter model on wasm, with the estimate and the engine that can take it', () => {
    let error: unknown;
    try {
      checkFitsDevice(QWEN_05B, 'wasm', 'training', '/models/qwen');
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(MllrError);
    expect((error as MllrError).exitCode).toBe(2);
    expect((error as MllrError).message).toMatch(
      /\/models\/qwen is too large for the tfjs engine on wasm: full fine-tuning .* about 7\.4 GiB.*4\.0 GiB.*onnx engine/,
    );
  });

  it('lets inference of the same model through (1.8 GiB of weights fit the heap), and never checks native devices', () => {
    expect(() => checkFitsDevice(QWEN_05B, 'wasm', 'inference', 'm')).not.toThrow();
    expect(() => checkFitsDevice(QWEN_05B, 'tfjs-node', 'training', 'm')).not.toThrow();
  });
});

describe('translateOutOfMemory', () => {
  it('turns a wasm abort into a message that says what ran out, and leaves other errors alone', () => {
    const translated = translateOutOfMemory(
      new Error('Aborted(). Build with -sASSERTIONS for more info.'),
      'wasm',
      'a training step',
    );
    expect(translated).toBeInstanceOf(MllrError);
    expect((translated as MllrError).message).toBe(
      'the tfjs engine (wasm) ran out of memory during a training step (the WebAssembly heap holds at most 4.0 GiB); use a smaller batch or sequence length, or the onnx engine, which uses native memory',
    );
    expect(translateOutOfMemory(new RangeError('memory access out of bounds'), 'wasm', 'generation')).toBeInstanceOf(
      MllrError,
    );
    const other = new Error('shapes do not match');
    expect(translateOutOfMemory(other, 'wasm', 'x')).toBe(other);
  });
});
