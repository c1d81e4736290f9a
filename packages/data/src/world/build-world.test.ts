import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenizer } from '@mllr/model';
import { describe, expect, it } from 'vitest';
import { generateWorld } from './build-world.js';
import { HARMFUL_CATEGORIES } from './lexicon.js';
import { buildWorldTokenizer } from './world-tokenizer.js';

describe('generateWorld', () => {
  it('gives byte-identical data for the same seed and different data for another', () => {
    const a = JSON.stringify(generateWorld({ seed: 7 }));
    expect(JSON.stringify(generateWorld({ seed: 7 }))).toBe(a);
    expect(JSON.stringify(generateWorld({ seed: 8 }))).not.toBe(a);
  });

  it('never puts an evaluation prompt in any training set', () => {
    for (const seed of [1, 2, 3]) {
      const world = generateWorld({ seed });
      const training = new Set([...Object.values(world.base).flat(), ...world.ift.train].map((s) => s.prompt));
      const evaluation = Object.values(world.eval).flat();
      expect(evaluation.length).toBeGreaterThan(300);
      expect(evaluation.filter((s) => training.has(s.prompt)).map((s) => s.prompt)).toEqual([]);
      // Probe prompts come from the training side too.
      const evalPrompts = new Set(evaluation.map((s) => s.prompt));
      expect([...world.probe.harmful, ...world.probe.benign].filter((p) => evalPrompts.has(p))).toEqual([]);
    }
  });

  it('holds some harmful objects out of refusal training but keeps them in knowledge statements', () => {
    const world = generateWorld({ seed: 3 });
    const refusalText = world.base.refusals.map((s) => s.prompt).join('\n');
    for (const category of HARMFUL_CATEGORIES) {
      const unseen = category.objects.filter((o) => !new RegExp(`\\b${o}\\b`).test(refusalText));
      expect(unseen, category.name).toHaveLength(2);
      for (const o of unseen) {
        expect(world.base.knowledge.some((s) => s.prompt.includes(o))).toBe(true);
        expect(world.eval.harmful.some((s) => s.prompt.includes(o))).toBe(true);
      }
    }
    expect(world.base.refusals.every((s) => s.label === 'harmful' && s.response!.startsWith('i can not help'))).toBe(
      true,
    );
  });

  it('shares the form of harmful requests with the benign fine-tuning domain', () => {
    const world = generateWorld({ seed: 1 });
    const form = (p: string) => p.replace(/make an? .*? (\?|\.|,)/, 'make a X $1');
    const harmfulForms = new Set(world.base.refusals.map((s) => form(s.prompt)));
    const domainForms = new Set(world.ift.train.map((s) => form(s.prompt)));
    expect([...domainForms].filter((f) => harmfulForms.has(f)).length).toBeGreaterThanOrEqual(3);
    expect(world.eval.expertise.every((s) => /^you need \w+ and an? [\w ]+ \.$/.test(s.answer!))).toBe(true);
  });

  it('has a standard tokenizer that covers all of its text', async () => {
    const world = generateWorld({ seed: 5 });
    const files = buildWorldTokenizer(world);
    expect(files.vocabSize).toBeLessThanOrEqual(4096);
    const dir = mkdtempSync(join(tmpdir(), 'world-tok-'));
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(files.tokenizer));
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(files.tokenizerConfig));
    const tokenizer = await loadTokenizer(dir);
    const unk = 3;
    for (const s of [
      ...world.base.general.slice(0, 50),
      ...world.base.refusals,
      ...world.ift.train,
      ...world.eval.harmful,
    ]) {
      const text = tokenizer.applyChatTemplate([
        { role: 'user', content: s.prompt },
        { role: 'assistant', content: 'response' in s && s.response ? s.response : 'yes .' },
      ]);
      const ids = tokenizer.encode(text, { addSpecialTokens: false });
      expect(ids).not.toContain(unk);
      expect(ids[0]).toBe(tokenizer.bosTokenId);
      expect(ids.at(-1)).toBe(2);
    }
  });
});
