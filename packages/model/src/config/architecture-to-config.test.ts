import type { ModelArchitecture } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { architectureToConfig } from './architecture-to-config.js';
import { parseModelConfig } from './parse-model-config.js';

describe('architectureToConfig', () => {
  it('round-trips through parseModelConfig for each family', () => {
    const base: ModelArchitecture = {
      family: 'llama', vocabSize: 100, hiddenSize: 32, numLayers: 2, numHeads: 4, numKvHeads: 2, headDim: 8,
      intermediateSize: 64, maxPositionEmbeddings: 128, ropeTheta: 500000, rmsNormEps: 1e-5, qkvBias: false,
      tieWordEmbeddings: true, bosTokenId: 1, eosTokenIds: [2], padTokenId: 0,
    };
    for (const arch of [base, { ...base, family: 'qwen2' as const, qkvBias: true, eosTokenIds: [2, 5] }, { ...base, family: 'mistral' as const }]) {
      expect(parseModelConfig(architectureToConfig(arch), 'config.json')).toEqual(arch);
    }
  });
});
