import { describe, expect, it } from 'vitest';
import { parameterCount } from './expected-shapes.js';
import { formatBytes, memoryFloorBytes } from './memory-floor.js';
import { loadModelConfig } from '../config/load-model-config.js';
import { resolve } from 'node:path';

describe('memoryFloorBytes', () => {
  it('is 4 bytes per parameter for inference and 16 for full fine-tuning (weights, gradients, two AdamW moments)', async () => {
    const arch = await loadModelConfig(
      resolve(import.meta.dirname, '../../../../fixtures/checkpoints/llama-gqa-untied'),
    );
    const n = parameterCount(arch);
    expect(n).toBeGreaterThan(0);
    expect(memoryFloorBytes(arch, 'inference')).toBe(4 * n);
    expect(memoryFloorBytes(arch, 'training')).toBe(16 * n);
  });

  it('formats sizes as GiB or MiB', () => {
    expect(formatBytes(7.9e9)).toBe('7.4 GiB');
    expect(formatBytes(5 * 2 ** 20)).toBe('5 MiB');
  });
});
