import { describe, expect, it } from 'vitest';
import { tinyArchitecture } from '../checkpoint/random-tensors.js';
import { padTokens } from './pad-tokens.js';
import { ropeInverseFrequencies, ropeTables } from './rope-tables.js';

const LIMITS = { padId: 0, maxPositions: 6, vocabSize: 10 };

describe('padTokens', () => {
  it('left-pads so every last token is in the last column, positions counting real tokens only', () => {
    const padded = padTokens(
      [
        [1, 5, 7],
        [1, 9],
      ],
      'left',
      LIMITS,
    );
    expect([padded.size, padded.width, padded.lengths]).toEqual([2, 3, [3, 2]]);
    expect([...padded.ids]).toEqual([1, 5, 7, 0, 1, 9]);
    expect([...padded.positions]).toEqual([0, 1, 2, 0, 0, 1]);
    expect([...padded.mask]).toEqual([1, 1, 1, 0, 1, 1]);
  });

  it('right-pads so every sequence starts in column 0', () => {
    const padded = padTokens(
      [
        [1, 9],
        [1, 5, 7],
      ],
      'right',
      { ...LIMITS, padId: 3 },
    );
    expect([...padded.ids]).toEqual([1, 9, 3, 1, 5, 7]);
    expect([...padded.positions]).toEqual([0, 1, 0, 0, 1, 2]);
    expect([...padded.mask]).toEqual([1, 1, 0, 1, 1, 1]);
  });

  it('refuses an empty batch, an empty sequence, one past the context and token ids outside the vocabulary', () => {
    expect(() => padTokens([], 'left', LIMITS)).toThrow('a batch needs at least one sequence');
    expect(() => padTokens([[1], []], 'left', LIMITS)).toThrow('every sequence needs at least one token');
    expect(() => padTokens([[1, 2, 3, 4, 5, 6, 7]], 'right', LIMITS)).toThrow(
      "a sequence of 7 tokens is longer than the model's context of 6",
    );
    for (const bad of [10, -1, 2.5])
      expect(() => padTokens([[1, bad]], 'left', LIMITS)).toThrow(
        `token id ${bad} is outside the model's vocabulary of 10`,
      );
  });
});

describe('ropeTables', () => {
  it('holds cos and sin of position × θ^(−2i/d), the first half of each row repeated in the second', () => {
    const arch = tinyArchitecture({ ropeTheta: 500, maxPositionEmbeddings: 7 });
    const { cos, sin } = ropeTables(arch);
    const d = arch.headDim;
    expect(cos).toHaveLength(7 * d);
    for (let p = 0; p < 7; p++) {
      for (let i = 0; i < d / 2; i++) {
        const angle = p * 500 ** (-(2 * i) / d);
        expect(cos[p * d + i]).toBeCloseTo(Math.cos(angle), 5);
        expect(sin[p * d + i]).toBeCloseTo(Math.sin(angle), 5);
        expect(cos[p * d + d / 2 + i]).toBe(cos[p * d + i]);
        expect(sin[p * d + d / 2 + i]).toBe(sin[p * d + i]);
      }
    }
  });
});

describe('ropeInverseFrequencies', () => {
  const plain = (theta: number, d: number) => Array.from({ length: d / 2 }, (_, i) => theta ** (-(2 * i) / d));
  const expectClose = (actual: Float32Array, expected: number[]) => {
    expect(actual).toHaveLength(expected.length);
    actual.forEach((f, i) => expect(Math.abs(f - expected[i]!) / expected[i]!, `frequency ${i}`).toBeLessThan(1e-6));
  };

  it('is θ^(−2i/d) without scaling, and divided by the factor under linear scaling', () => {
    expectClose(ropeInverseFrequencies({ headDim: 16, ropeTheta: 10000 }), plain(10000, 16));
    expectClose(
      ropeInverseFrequencies({ headDim: 16, ropeTheta: 10000, ropeScaling: { kind: 'linear', factor: 3 } }),
      plain(10000, 16).map((f) => f / 3),
    );
  });

  it('under llama3 scaling (Llama 3.1 8B parameters) keeps high frequencies, divides low ones by the factor and blends the band between', () => {
    const scaling = {
      kind: 'llama3',
      factor: 8,
      lowFreqFactor: 1,
      highFreqFactor: 4,
      originalMaxPositionEmbeddings: 8192,
    } as const;
    const actual = ropeInverseFrequencies({ headDim: 128, ropeTheta: 500000, ropeScaling: scaling });
    const bands = { high: 0, low: 0, blended: 0 };
    const expected = plain(500000, 128).map((f) => {
      const wavelength = (2 * Math.PI) / f;
      if (wavelength < 8192 / 4) return (bands.high++, f);
      if (wavelength > 8192 / 1) return (bands.low++, f / 8);
      bands.blended++;
      const smooth = (8192 / wavelength - 1) / (4 - 1);
      return ((1 - smooth) * f) / 8 + smooth * f;
    });
    expectClose(actual, expected);
    // The parameters put frequencies in all three bands, so each branch above was checked.
    expect(Object.values(bands).every((n) => n > 0)).toBe(true);
  });

  it('feeds the tables: angles are position × scaled frequency', () => {
    const arch = tinyArchitecture({
      ropeTheta: 100,
      maxPositionEmbeddings: 9,
      ropeScaling: {
        kind: 'llama3',
        factor: 8,
        lowFreqFactor: 1,
        highFreqFactor: 4,
        originalMaxPositionEmbeddings: 32,
      },
    });
    const frequencies = ropeInverseFrequencies(arch);
    expect(frequencies).not.toEqual(ropeInverseFrequencies({ ...arch, ropeScaling: undefined }));
    const { cos, sin } = ropeTables(arch);
    const d = arch.headDim;
    for (let p = 0; p < 9; p++) {
      for (let i = 0; i < d / 2; i++) {
        expect(cos[p * d + i]).toBeCloseTo(Math.cos(p * frequencies[i]!), 5);
        expect(sin[p * d + d / 2 + i]).toBeCloseTo(Math.sin(p * frequencies[i]!), 5);
      }
    }
  });
});
