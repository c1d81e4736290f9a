import type { ModelArchitecture } from '@mllr/core';
import { parameterCount } from '@mllr/model';
import { describe, expect, it } from 'vitest';
import { cpuSessionOptions } from '../engine/execution-provider.js';
import { TRAINING_ARENA_LIMIT_BYTES, trainingMemoryArena } from './training-session.js';

const llama = (over: Partial<ModelArchitecture>): ModelArchitecture =>
  ({
    family: 'llama',
    vocabSize: 425,
    hiddenSize: 128,
    intermediateSize: 352,
    numLayers: 4,
    numHeads: 4,
    numKvHeads: 4,
    headDim: 32,
    maxPositionEmbeddings: 128,
    rmsNormEps: 1e-5,
    ropeTheta: 10000,
    qkvBias: false,
    tieWordEmbeddings: true,
    ...over,
  }) as ModelArchitecture;

describe("the training session's memory arena", () => {
  it('stays on up to 1 GiB of float32 weights (tiny-chat, SmolLM2-135M) and goes off above (Qwen2.5-0.5B)', () => {
    const tiny = llama({});
    const smol = llama({
      vocabSize: 49152,
      hiddenSize: 576,
      intermediateSize: 1536,
      numLayers: 30,
      numHeads: 9,
      numKvHeads: 3,
      headDim: 64,
    });
    const qwen = llama({
      family: 'qwen2',
      vocabSize: 151936,
      hiddenSize: 896,
      intermediateSize: 4864,
      numLayers: 24,
      numHeads: 14,
      numKvHeads: 2,
      headDim: 64,
      qkvBias: true,
    });
    expect(trainingMemoryArena(tiny)).toBe(true);
    expect(trainingMemoryArena(smol)).toBe(true);
    expect(trainingMemoryArena(qwen)).toBe(false);
    expect(parameterCount(smol) * 4).toBeLessThan(TRAINING_ARENA_LIMIT_BYTES);
    expect(parameterCount(qwen) * 4).toBeGreaterThan(TRAINING_ARENA_LIMIT_BYTES);
  });

  it('is an option of the CPU session, on unless turned off', () => {
    expect(cpuSessionOptions(1).enableCpuMemArena).toBe(true);
    expect(cpuSessionOptions(1, false).enableCpuMemArena).toBe(false);
  });
});
