import type { ModelArchitecture } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { architectureToConfig } from './architecture-to-config.js';
import { parseModelConfig } from './parse-model-config.js';

describe('architectureToConfig', () => {
  it('round-trips through parseModelConfig for each family and RoPE scaling kind', () => {
    const base: ModelArchitecture = {
      family: 'llama',
      vocabSize: 100,
      hiddenSize: 32,
      numLayers: 2,
      numHeads: 4,
      numKvHeads: 2,
      headDim: 8,
      intermediateSize: 64,
      maxPositionEmbeddings: 128,
      ropeTheta: 500000,
      rmsNormEps: 1e-5,
      qkvBias: false,
      tieWordEmbeddings: true,
      bosTokenId: 1,
      eosTokenIds: [2],
      padTokenId: 0,
    };
    const llama3 = {
      kind: 'llama3',
      factor: 32,
      lowFreqFactor: 1,
      highFreqFactor: 4,
      originalMaxPositionEmbeddings: 64,
    } as const;
    for (const arch of [
      base,
      { ...base, family: 'qwen2' as const, qkvBias: true, eosTokenIds: [2, 5] },
      { ...base, family: 'mistral' as const },
      { ...base, ropeScaling: llama3 },
      { ...base, family: 'qwen2' as const, qkvBias: true, ropeScaling: { kind: 'linear' as const, factor: 2 } },
    ]) {
      expect(parseModelConfig(architectureToConfig(arch), 'config.json')).toEqual(arch);
    }
  });
});
