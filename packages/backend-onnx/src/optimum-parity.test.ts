import { join, resolve } from 'node:path';
import { loadCheckpoint, parameterCount } from '@mllr/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxEngine } from './engine/onnx-engine.js';
import { OptimumOnnxEngine } from './engine/optimum-engine.js';
import { OnnxEngineProvider } from './onnx-engine-provider.js';
import {
  OPTIMUM_FIXTURES_DIR,
  maxAbsDiff,
  optimumFixtureNames,
  readOptimumReference,
} from './test-support/fixtures.js';

// These fixtures follow Optimum's input/output convention but were written by torch.onnx.export in
// tools/fixtures/make_optimum_onnx.py, not by Optimum itself (which cannot be installed here).
const names = optimumFixtureNames();
const TOLERANCE = 1e-4;
if (names.length === 0)
  console.warn(
    `Optimum parity tests skipped: no fixtures in ${OPTIMUM_FIXTURES_DIR} (run tools/fixtures/make_optimum_onnx.py)`,
  );

describe.skipIf(names.length === 0)(
  'ONNX decoders in Optimum convention: parity with PyTorch (fixtures/onnx-optimum)',
  () => {
    const provider = new OnnxEngineProvider({ device: 'cpu', threads: 1 });

    for (const name of names) {
      describe(name, () => {
        const reference = readOptimumReference(name);
        const dir = join(OPTIMUM_FIXTURES_DIR, name);
        let engine: OptimumOnnxEngine;
        let own: OnnxEngine;
        beforeAll(async () => {
          engine = (await provider.openInference(dir)) as OptimumOnnxEngine;
          // mllr's own graph over the same weights, for the rules that are not PyTorch's (sampling, stopping).
          own = await OnnxEngine.create(
            await loadCheckpoint(resolve(import.meta.dirname, '../../..', reference.source_checkpoint)),
            { device: 'cpu', threads: 1 },
          );
        });
        afterAll(async () => Promise.all([engine.dispose(), own.dispose()]));

        it('is opened as an Optimum decoder with the architecture of its config.json', () => {
          expect(engine).toBeInstanceOf(OptimumOnnxEngine);
          expect(engine.name).toBe('onnx');
          expect(engine.device).toBe('cpu');
          expect(engine.architecture).toEqual(own.architecture);
          expect(engine.info.inputs).toEqual({
            positionIds: reference.inputs.includes('position_ids'),
            useCacheBranch: reference.inputs.includes('use_cache_branch'),
          });
          expect(engine.info.modelFile).toBe(
            join(dir, reference.inputs.includes('use_cache_branch') ? 'decoder_model_merged.onnx' : 'model.onnx'),
          );
        });

        // Without position_ids the graph shifts a padded row's positions by its padding; rotary attention sees only
        // position differences, so the batched rows must still match the PyTorch reference computed alone.
        it(`logits match within ${TOLERANCE}, each prompt alone and all batched with left padding`, async () => {
          for (const [i, prompt] of reference.prompts.entries()) {
            const alone = await engine.logits({ sequences: [prompt] });
            expect(maxAbsDiff(alone.data[0]!, reference.logits[i]!)).toBeLessThan(TOLERANCE);
          }
          const batched = await engine.logits({ sequences: reference.prompts });
          reference.prompts.forEach((_, i) =>
            expect(maxAbsDiff(batched.data[i]!, reference.logits[i]!)).toBeLessThan(TOLERANCE),
          );
        });

        it('greedy continuations with the KV cache match exactly, alone and batched', async () => {
          const max = reference.greedy[0]!.max_new_tokens;
          expect(await engine.generate(reference.prompts, { maxNewTokens: max })).toEqual(
            reference.greedy.map((g) => g.output_ids),
          );
          for (const [i, prompt] of reference.prompts.entries()) {
            expect(await engine.generate([prompt], { maxNewTokens: max })).toEqual([reference.greedy[i]!.output_ids]);
          }
          const cli = reference.cli_greedy;
          expect(await engine.generate([cli.prompt_ids], { maxNewTokens: cli.max_new_tokens })).toEqual([
            cli.output_ids,
          ]);
        });

        it('samples and stops as mllr’s own graph does on the same weights', async () => {
          const sampling = { maxNewTokens: 12, temperature: 0.9, topP: 0.95, seed: 7 };
          const prompts = reference.prompts;
          const sampled = await engine.generate(prompts, sampling);
          expect(sampled).toEqual(await own.generate(prompts, sampling));
          expect(sampled).not.toEqual(await engine.generate(prompts, { maxNewTokens: 12 }));
          const stopAt = reference.greedy[0]!.output_ids[1]!;
          const stopped = await engine.generate([reference.prompts[0]!], { maxNewTokens: 8, stopTokenIds: [stopAt] });
          expect(stopped[0]!.at(-1)).toBe(stopAt);
          expect(stopped).toEqual(
            await own.generate([reference.prompts[0]!], { maxNewTokens: 8, stopTokenIds: [stopAt] }),
          );
          // Generation ends where the model's context ends (64 positions).
          const long = Array.from({ length: 60 }, (_, i) => 3 + (i % 90));
          expect((await engine.generate([long], { maxNewTokens: 10 }))[0]).toHaveLength(5);
        });

        it('refuses hidden states and new weights, naming the file and the stages that need a safetensors checkpoint', async () => {
          const hidden = engine.lastTokenHiddenStates({ sequences: [[1, 2, 3]] });
          await expect(hidden).rejects.toMatchObject({ code: 'CHECKPOINT_UNSUPPORTED' });
          const message = await hidden.catch((e: Error) => e.message);
          expect(message).toContain(engine.info.modelFile);
          expect(message).toMatch(/has no per-layer hidden-state outputs/);
          expect(message).toMatch(/generation and evaluation/);
          for (const stage of ['probe', 'robustness', 'search', 'fine-tuning', 'safetensors checkpoint'])
            expect(message).toContain(stage);
          await expect(engine.setWeights([])).rejects.toMatchObject({
            code: 'CHECKPOINT_UNSUPPORTED',
            message: expect.stringMatching(/cannot be replaced/),
          });
        });

        it('is described for mllr inspect from config.json and the graph’s initializers', async () => {
          const description = await provider.describe(dir);
          expect(description).toMatchObject({
            file: engine.info.modelFile,
            format: "ONNX, Hugging Face Optimum's decoder convention",
            architecture: own.architecture,
            parameters: parameterCount(own.architecture),
            hiddenStates: false,
          });
          // torch.onnx.export stores a tied head a second time, as a transposed copy.
          const tiedCopy = own.architecture.tieWordEmbeddings
            ? own.architecture.vocabSize * own.architecture.hiddenSize
            : 0;
          expect(description!.storedValues).toBe(parameterCount(own.architecture) + tiedCopy);
        });
      });
    }
  },
);
