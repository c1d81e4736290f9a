import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '@mllr/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxEngine } from './engine/onnx-engine.js';
import { exportOnnx } from './export/export-onnx.js';
import { FIXTURES_DIR, fixtureNames, maxAbsDiff, readReference } from './test-support/fixtures.js';

const names = fixtureNames();
const TOLERANCE = 1e-4;
if (names.length === 0) console.warn(`parity tests skipped: no fixtures in ${FIXTURES_DIR} (run tools/fixtures/make_checkpoints.py)`);

describe.skipIf(names.length === 0)('ONNX export parity with the PyTorch reference (fixtures/checkpoints)', () => {
  const worst = { logits: 0, hidden: 0 };
  afterAll(() => console.info(`onnx vs PyTorch, max abs diff over every fixture: logits ${worst.logits.toExponential(2)}, hidden states ${worst.hidden.toExponential(2)}`));

  for (const name of names) {
    describe(name, () => {
      const reference = readReference(name);
      let engine: OnnxEngine;
      let exported: OnnxEngine;
      let dir: string;
      beforeAll(async () => {
        const checkpoint = await loadCheckpoint(join(FIXTURES_DIR, name));
        engine = await OnnxEngine.create(checkpoint, { device: 'cpu', threads: 1 });
        dir = mkdtempSync(join(tmpdir(), 'mllr-onnx-parity-'));
        await exportOnnx(checkpoint, dir);
        exported = await OnnxEngine.open(dir, { device: 'cpu', threads: 1 });
      });
      afterAll(async () => {
        await Promise.all([engine.dispose(), exported.dispose()]);
        rmSync(dir, { recursive: true, force: true });
      });

      it(`logits match within ${TOLERANCE}, each prompt alone and all batched with left padding`, async () => {
        for (const [i, prompt] of reference.prompts.entries()) {
          const alone = await engine.logits({ sequences: [prompt] });
          const diff = maxAbsDiff(alone.data[0]!, reference.logits[i]!);
          worst.logits = Math.max(worst.logits, diff);
          expect(diff).toBeLessThan(TOLERANCE);
        }
        const batched = await engine.logits({ sequences: reference.prompts });
        reference.prompts.forEach((_, i) => expect(maxAbsDiff(batched.data[i]!, reference.logits[i]!)).toBeLessThan(TOLERANCE));
      });

      it(`last-token hidden states of every layer match within ${TOLERANCE}`, async () => {
        const states = await engine.lastTokenHiddenStates({ sequences: reference.prompts });
        reference.prompts.forEach((_, i) => {
          states.layers.forEach((layer, l) => {
            const diff = maxAbsDiff(layer[i]!, reference.last_token_hidden_states[i]![l]!);
            worst.hidden = Math.max(worst.hidden, diff);
            expect(diff).toBeLessThan(TOLERANCE);
          });
        });
      });

      it('greedy continuations match exactly, alone and batched', async () => {
        const max = reference.greedy[0]!.max_new_tokens;
        expect(await engine.generate(reference.prompts, { maxNewTokens: max })).toEqual(reference.greedy.map((g) => g.output_ids));
        for (const [i, prompt] of reference.prompts.entries()) {
          expect(await engine.generate([prompt], { maxNewTokens: max })).toEqual([reference.greedy[i]!.output_ids]);
        }
        const cli = reference.cli_greedy;
        expect(await engine.generate([cli.prompt_ids], { maxNewTokens: cli.max_new_tokens })).toEqual([cli.output_ids]);
      });

      it('the exported folder (model.onnx + external data) gives the same outputs as the in-memory model', async () => {
        const [fromMemory, fromFiles] = await Promise.all([engine.logits({ sequences: reference.prompts }), exported.logits({ sequences: reference.prompts })]);
        fromMemory.data.forEach((row, i) => expect(maxAbsDiff(fromFiles.data[i]!, row)).toBeLessThan(1e-6));
        const max = reference.greedy[0]!.max_new_tokens;
        expect(await exported.generate(reference.prompts, { maxNewTokens: max })).toEqual(reference.greedy.map((g) => g.output_ids));
      });
    });
  }
});
