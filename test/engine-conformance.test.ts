import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OnnxEngineProvider, exportOnnx } from '@mllr/backend-onnx';
import { TfjsEngineProvider } from '@mllr/backend-tfjs';
import type { InferenceEngine } from '@mllr/core';
import { loadCheckpoint } from '@mllr/model';
import { describeEngineConformance, engineFromProvider, type EngineUnderTest } from './support/engine-conformance.js';

// The engine conformance suite (support/engine-conformance.ts) run against every engine mllr ships. It lives in
// this cross-package project because the suite compares engines with each other and plugin packages never import
// each other; core stays contracts only (no vitest in its exports). A new engine passes by adding a line here.

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

describeEngineConformance([engineFromProvider(new TfjsEngineProvider()), engineFromProvider(onnx, ONNX_OPTIONS), onnxExported]);
