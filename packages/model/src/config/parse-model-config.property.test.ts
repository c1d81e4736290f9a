import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tinyLlamaConfig } from '../test-fixtures/tiny-model.js';
import { ARCHITECTURE_LIMITS } from './architecture-limits.js';
import { parseModelConfig } from './parse-model-config.js';

const FILE = '/models/x/config.json';

/** Parses `json`; the only acceptable failure is a CHECKPOINT_* MllrError naming the file. */
function parseOrTypedError(json: unknown): void {
  try {
    const arch = parseModelConfig(json, FILE);
    expect(arch.numLayers).toBeLessThanOrEqual(ARCHITECTURE_LIMITS.num_hidden_layers);
    expect(arch.vocabSize).toBeLessThanOrEqual(ARCHITECTURE_LIMITS.vocab_size);
    expect(arch.hiddenSize).toBeLessThanOrEqual(ARCHITECTURE_LIMITS.hidden_size);
  } catch (error) {
    expect(error).toMatchObject({
      name: 'MllrError',
      code: expect.stringMatching(/^CHECKPOINT_(INVALID|UNSUPPORTED)$/),
    });
    expect((error as Error).message.startsWith(`${FILE}: `)).toBe(true);
  }
}

const hostile = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -1, 1.5, 2 ** 31, 2 ** 53, 2 ** 64, Number.MAX_VALUE, Infinity, NaN, null, '4', true, [], {}),
  fc.anything(),
);

describe('parseModelConfig under random input (property)', () => {
  it('refuses any JSON value that is not a config with a typed error', () => {
    fc.assert(fc.property(fc.jsonValue(), parseOrTypedError), { numRuns: 300 });
  });

  it('accepts or refuses a real config with any of its fields replaced by hostile values', () => {
    const base = tinyLlamaConfig();
    const keys = [...Object.keys(base), 'head_dim', 'sliding_window', 'rope_scaling', 'attention_bias', 'model_type'];
    const edits = fc.dictionary(fc.constantFrom(...keys), hostile, { maxKeys: 4 });
    fc.assert(
      fc.property(edits, (e) => parseOrTypedError({ ...base, ...e })),
      { numRuns: 400 },
    );
  });

  it('refuses sizes above the limits as unsupported, naming the field', () => {
    expect(() => parseModelConfig(tinyLlamaConfig({ num_hidden_layers: 2 ** 31 }), FILE)).toThrow(
      expect.objectContaining({
        code: 'CHECKPOINT_UNSUPPORTED',
        message: expect.stringContaining('field "num_hidden_layers" is 2147483648, above the 1024'),
      }),
    );
  });
});
