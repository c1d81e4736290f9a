import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OnnxEngineProvider, exportOnnx } from '@mllr/backend-onnx';
import { TfjsEngineProvider } from '@mllr/backend-tfjs';
import type { InferenceEngine } from '@mllr/core';
import { loadCheckpoint, loadModelConfig } from '@mllr/model';
import { describe, expect, it } from 'vitest';
import {
  FORWARD_TOLERANCE,
  describeEngineConformance,
  engineFromProvider,
  type EngineUnderTest,
} from './support/engine-conformance.js';
import { fixtureDir, fixtureNames, maxAbsDiff, readForwardReference } from './support/fixture-references.js';

// The engine conformance suite (support/engine-conformance.ts) run against every engine mllr ships. It lives in
// this cross-package project because the suite compares engines with each other and plugin packages never import
// each other; core holds no test code (no vitest in its exports). A new engine passes by adding a line here.

// One ONNX Runtime thread: the results then do not depend on how it splits its reductions (determinism checks).
const ONNX_OPTIONS = { device: 'cpu', threads: 1 } as const;
const onnx = new OnnxEngineProvider();

/** The onnx engine on an exported folder (model.onnx + external data) instead of a checkpoint: the export's own parity. */
const onnxExported: EngineUnderTest = {
  name: 'onnx (exported folder)',
  async openInference(modelDir: string): Promise<InferenceEngine> {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-conformance-export-'));
    await exportOnnx(await loadCheckpoint(modelDir), dir);
    const engine = await onnx.openInference(dir, ONNX_OPTIONS);
    const dispose = engine.dispose.bind(engine);
    engine.dispose = async () => {
      await dispose();
      rmSync(dir, { recursive: true, force: true });
    };
    return engine;
  },
};

const onnxCheckpoint = engineFromProvider(onnx, ONNX_OPTIONS);
const tfjs = engineFromProvider(new TfjsEngineProvider());
describeEngineConformance([tfjs, onnxCheckpoint, onnxExported]);

// The export writes the weights to files: beyond the suite's 1e-4 against PyTorch, the two must agree to float
// rounding. (The folder's graph has standard ONNX ops, the engine's in-memory graph ONNX Runtime's RotaryEmbedding,
// which rounds differently: 3.3e-6 to 8.6e-6 apart on these fixtures' logits; a misplaced weight is off by far more.)
describe.skipIf(fixtureNames().length === 0)('onnx from an exported folder and from the checkpoint', () => {
  it.each(fixtureNames())('%s: logits within 2.5e-5 of each other', async (fixture) => {
    const sequences = readForwardReference(fixture).prompts;
    const [fromCheckpoint, fromExport] = [
      await onnxCheckpoint.openInference!(fixtureDir(fixture)),
      await onnxExported.openInference!(fixtureDir(fixture)),
    ];
    const [a, b] = [await fromCheckpoint.logits({ sequences }), await fromExport.logits({ sequences })];
    await Promise.all([fromCheckpoint.dispose(), fromExport.dispose()]);
    a.data.forEach((row, i) => expect(maxAbsDiff(b.data[i]!, row)).toBeLessThan(2.5e-5));
  });
});

// RoPE scaling: the suite runs its parity checks on the llama3- and linear-scaled fixtures as on every other one.
// That those checks can fail: the same weights with rope_scaling removed are far from PyTorch's logits.
describe.skipIf(fixtureNames().length === 0)('RoPE-scaled fixtures', () => {
  it.each(['llama-rope-llama3', 'llama-rope-linear'])(
    '%s is checked by the suite, and without its rope_scaling the logits miss PyTorch by far',
    async (fixture) => {
      expect(fixtureNames()).toContain(fixture);
      const dir = mkdtempSync(join(tmpdir(), 'mllr-conformance-unscaled-'));
      try {
        cpSync(fixtureDir(fixture), dir, { recursive: true });
        const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
        expect(config['rope_scaling']).not.toBeNull();
        writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, rope_scaling: null }));
        const reference = readForwardReference(fixture);
        const prompt = reference.prompts.length - 1;
        const engine = await onnxCheckpoint.openInference!(dir);
        const logits = await engine.logits({ sequences: [reference.prompts[prompt]!] });
        await engine.dispose();
        expect(maxAbsDiff(logits.data[0]!, reference.logits[prompt]!)).toBeGreaterThan(100 * FORWARD_TOLERANCE);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('keeps rope_scaling in the config.json of a model each training engine saves and of an ONNX export', async () => {
    const source = await loadCheckpoint(fixtureDir('llama-rope-llama3'));
    expect(source.architecture.ropeScaling?.kind).toBe('llama3');
    const dir = mkdtempSync(join(tmpdir(), 'mllr-conformance-rope-save-'));
    try {
      for (const [name, engine] of [
        ['tfjs', tfjs],
        ['onnx', onnxCheckpoint],
      ] as const) {
        const trainer = await engine.openTraining!(fixtureDir('llama-rope-llama3'));
        await trainer.save(join(dir, name));
        await trainer.dispose();
        expect((await loadModelConfig(join(dir, name))).ropeScaling, name).toEqual(source.architecture.ropeScaling);
      }
      await exportOnnx(source, join(dir, 'export'));
      expect((await loadModelConfig(join(dir, 'export'))).ropeScaling).toEqual(source.architecture.ropeScaling);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
