import { describe, expect, it } from 'vitest';
import { TRAINED_SPECIAL_TOKENS } from '../tokenizer/tokenizer-files.js';
import { trainedLlamaArchitecture } from './trained-architecture.js';

describe('trainedLlamaArchitecture', () => {
  const shape = {
    vocabSize: 300,
    hiddenSize: 64,
    numLayers: 2,
    numHeads: 4,
    intermediateSize: 96,
    maxPositionEmbeddings: 32,
    ropeTheta: 10000,
  };

  it('takes the special-token ids from the trained tokenizers and the head size from the shape', () => {
    const a = trainedLlamaArchitecture(shape);
    expect([a.bosTokenId, a.eosTokenIds, a.padTokenId]).toEqual([
      TRAINED_SPECIAL_TOKENS.indexOf('<s>'),
      [TRAINED_SPECIAL_TOKENS.indexOf('</s>')],
      0,
    ]);
    expect(a.headDim).toBe(16);
    expect(a.numKvHeads).toBe(4);
    expect(a.tieWordEmbeddings).toBe(true);
  });

  it('keeps grouped-query attention when the shape asks for it', () => {
    expect(trainedLlamaArchitecture({ ...shape, numKvHeads: 2 }).numKvHeads).toBe(2);
  });
});
