import { describe, expect, it } from 'vitest';
import type { RuntimeKernels } from '../export/runtime-decoder-layer.js';
import { ENGINE_KERNELS, withStandardFallback } from './engine-kernels.js';

describe('withStandardFallback', () => {
  it('uses the fused kernels when the session starts', async () => {
    const asked: Array<RuntimeKernels | undefined> = [];
    const made = await withStandardFallback(async (k) => (asked.push(k), 'session'), ENGINE_KERNELS);
    expect(made).toBe('session');
    expect(asked).toEqual([ENGINE_KERNELS]);
  });

  it('falls back to the standard graph where ONNX Runtime has no kernel for a fused operator', async () => {
    const asked: Array<RuntimeKernels | undefined> = [];
    const made = await withStandardFallback(async (k) => {
      asked.push(k);
      if (k)
        throw new Error('Could not find an implementation for RotaryEmbedding(1) node with name RotaryEmbedding_12');
      return 'standard';
    }, ENGINE_KERNELS);
    expect(made).toBe('standard');
    expect(asked).toEqual([ENGINE_KERNELS, undefined]);
  });

  it('passes other errors through without a second try', async () => {
    let tries = 0;
    await expect(
      withStandardFallback(async () => {
        tries++;
        throw new Error('bad allocation');
      }, ENGINE_KERNELS),
    ).rejects.toThrow('bad allocation');
    expect(tries).toBe(1);
  });
});
