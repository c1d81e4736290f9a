import { join } from 'node:path';
import { loadCheckpoint } from '@mllr/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES_DIR, fixtureNames, maxAbsDiff, readReference } from './test-support/fixtures.js';
import { TfjsEngine } from './tfjs-engine.js';

const names = fixtureNames();
const TOLERANCE = 1e-4;
if (names.length === 0) console.warn(`parity tests skipped: no fixtures in ${FIXTURES_DIR} (run tools/fixtures/make_checkpoints.py)`);

describe.skipIf(names.length === 0)('parity with the PyTorch reference (fixtures/checkpoints)', () => {
  for (const name of names) {
    describe(name, () => {
      const reference = readReference(name);
      let engine: TfjsEngine;
      beforeAll(async () => {
        engine = await TfjsEngine.create(await loadCheckpoint(join(FIXTURES_DIR, name)));
      });
      afterAll(() => engine.dispose());

      it(`logits match within ${TOLERANCE} (each prompt alone and all batched with left padding)`, async () => {
        for (const [i, prompt] of reference.prompts.entries()) {
          const alone = await engine.logits({ sequences: [prompt] });
          expect(maxAbsDiff(alone.data[0]!, reference.logits[i]!)).toBeLessThan(TOLERANCE);
        }
        const batched = await engine.logits({ sequences: reference.prompts });
        reference.prompts.forEach((_, i) => expect(maxAbsDiff(batched.data[i]!, reference.logits[i]!)).toBeLessThan(TOLERANCE));
      });

      it(`last-token hidden states of every layer match within ${TOLERANCE}`, async () => {
        const states = await engine.lastTokenHiddenStates({ sequences: reference.prompts });
        reference.prompts.forEach((_, i) => {
          states.layers.forEach((layer, l) => {
            expect(maxAbsDiff(layer[i]!, reference.last_token_hidden_states[i]![l]!)).toBeLessThan(TOLERANCE);
          });
        });
      });

      it('greedy continuations match exactly, alone and batched', async () => {
        const max = reference.greedy[0]!.max_new_tokens;
        const batched = await engine.generate(reference.prompts, { maxNewTokens: max });
        expect(batched).toEqual(reference.greedy.map((g) => g.output_ids));
        const alone = await engine.generate([reference.prompts[0]!], { maxNewTokens: max });
        expect(alone).toEqual([reference.greedy[0]!.output_ids]);
      });
    });
  }
});
