import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootContainer, type EngineProvider, type PluginInfo } from '@mllr/core';
import { loadCheckpoint } from '@mllr/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxEngine } from './engine/onnx-engine.js';
import { cudaProviderInstalled } from './engine/execution-provider.js';
import { exportOnnx } from './export/export-onnx.js';
import { OnnxEngineProvider } from './onnx-engine-provider.js';
import { register } from './plugin.js';
import { FIXTURES_DIR, fixtureNames, readReference } from './test-support/fixtures.js';

const fixture = fixtureNames().includes('llama-gqa-untied') ? 'llama-gqa-untied' : undefined;

describe.skipIf(!fixture)('OnnxEngineProvider', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'mllr-onnx-provider-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('opens a checkpoint folder and an export folder alike', async () => {
    const provider = new OnnxEngineProvider({ device: 'cpu', threads: 1 });
    const dir = join(FIXTURES_DIR, fixture!);
    const reference = readReference(fixture!);
    await exportOnnx(await loadCheckpoint(dir), join(root, 'exported'));
    for (const folder of [dir, join(root, 'exported')]) {
      const engine = await provider.openInference(folder);
      expect(engine).toBeInstanceOf(OnnxEngine);
      expect(engine.device).toBe('cpu');
      const cli = reference.cli_greedy;
      expect(await engine.generate([cli.prompt_ids], { maxNewTokens: cli.max_new_tokens })).toEqual([cli.output_ids]);
      await engine.dispose();
    }
    expect(await provider.device()).toBe('cpu');
  });

  it("follows the caller's thread count unless the plugin fixed one, and probes MatMul at it", async () => {
    expect(await new OnnxEngineProvider({ device: 'cpu' }).threads({ threads: 3 })).toBe(3);
    expect(await new OnnxEngineProvider({ device: 'cpu' }).threads()).toBe(availableParallelism());
    expect(await new OnnxEngineProvider({ device: 'cpu', threads: 1 }).threads({ threads: 3 })).toBe(1);
    expect(await new OnnxEngineProvider({ device: 'cpu' }).matmulGflops({ threads: 1, size: 64 })).toBeGreaterThan(0);
  });

  it.skipIf(cudaProviderInstalled())(
    'falls back from CUDA to the CPU with a message when the CUDA provider is not installed',
    async () => {
      const messages: string[] = [];
      const provider = new OnnxEngineProvider({ onMessage: (m) => messages.push(m) });
      const engine = (await provider.openInference(join(FIXTURES_DIR, fixture!), { device: 'cuda' })) as OnnxEngine;
      expect(engine).toBeInstanceOf(OnnxEngine);
      expect(engine.device).toBe('cpu');
      expect(messages).toEqual([
        expect.stringMatching(
          /CUDA execution provider is not installed; running on the CPU\. .*ONNXRUNTIME_NODE_INSTALL=cuda12/,
        ),
      ]);
      // New weights rebuild the session on the CPU without a second notice.
      await engine.setWeights(await engine.getWeights(['model.norm.weight']));
      await engine.logits({ sequences: [[1, 2]] });
      expect(messages).toHaveLength(1);
      await engine.dispose();
      expect(await provider.device({ device: 'cuda' })).toMatch(/^cpu \(CUDA execution provider not installed\)$/);
      expect(await provider.device()).toBe('cpu');
    },
  );

  it('refuses unknown devices and options', async () => {
    const provider = new OnnxEngineProvider();
    await expect(provider.openInference(join(FIXTURES_DIR, fixture!), { device: 'wasm' })).rejects.toThrow(
      'unknown ONNX Runtime device "wasm"; use auto, cpu, cuda',
    );
    const container = rootContainer.createChildContainer();
    const info: PluginInfo = { slot: 'inference', name: 'onnx', token: Symbol('test'), configDir: root };
    expect(() => register(container, { threads: 0 }, info)).toThrow('threads must be a whole number ≥ 1');
    expect(() => register(container, { gpu: true }, info)).toThrow('unknown option "gpu"');
    register(container, { device: 'cpu', threads: 2 }, info);
    expect(container.resolve<EngineProvider>(info.token).name).toBe('onnx');
  });
});
