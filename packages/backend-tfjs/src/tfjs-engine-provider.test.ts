import { describe, expect, it } from 'vitest';
import { TfjsEngineProvider } from './tfjs-engine-provider.js';

describe('TfjsEngineProvider', () => {
  it('chooses its own threads on wasm (one, whatever the caller asks) and probes MatMul there', async () => {
    const provider = new TfjsEngineProvider('wasm');
    expect(await provider.threads({ threads: 2 })).toBe(1);
    expect(await provider.threads()).toBe(1);
    expect(await provider.matmulGflops({ size: 64 })).toBeGreaterThan(0);
  });
});
