import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunConfigSchema, type DatasetSource, type RunConfigInput } from '@mllr/core';
import { generateWorld, normalizePrompt, readAll } from '@mllr/data';
import { describe, expect, it } from 'vitest';
import {
  dataDirOf,
  dataHashInputs,
  defaultDataDir,
  heldOutPart,
  loadRunData,
  resolveSource,
  trainingPart,
} from './run-data.js';

const FIXTURES = fileURLToPath(new URL('../../test-fixtures/data/', import.meta.url));
const world = generateWorld({ seed: 1234 });

function setup(input: RunConfigInput) {
  const config = RunConfigSchema.parse(input);
  const reads: string[] = [];
  const sources = {
    read: (source: DatasetSource) => {
      reads.push(source.path);
      return readAll(resolveSource(source, FIXTURES));
    },
    world: () => world,
  };
  return { config, sources, reads };
}

const FILES: RunConfigInput = {
  model: {
    pretrain: {
      data: [
        { path: 'benign.json', preset: 'alpaca' },
        { path: 'refusals.json', preset: 'safety-tuned-llamas' },
      ],
    },
  },
  data: {
    holdout: { fraction: 0.3 },
    ift: { path: 'domain.jsonl', preset: 'gsm8k' },
    probe: {
      harmful: [
        { path: 'harmful.csv', preset: 'advbench' },
        { path: 'refusals.json', preset: 'safety-tuned-llamas' },
      ],
      benign: [{ path: 'benign.json', preset: 'alpaca' }],
      size: 12,
    },
    harmful_eval: [{ path: 'harmful.csv', preset: 'advbench' }],
    benign_eval: [{ path: 'benign.json', preset: 'alpaca' }],
    usability_eval: [{ path: 'benign.json', preset: 'alpaca' }],
    expertise_eval: [{ path: 'domain.jsonl', preset: 'gsm8k' }],
    eval_size: 5,
  },
};

describe('loadRunData', () => {
  it('gives exactly the embedded world’s sets when the config names no files, reading nothing', async () => {
    const { config, sources, reads } = setup({});
    const data = await loadRunData(config, sources);
    expect(data.ift).toBe(world.ift.train);
    expect(data.probe).toBe(world.probe);
    expect(data.eval).toEqual(world.eval);
    expect(data.eval.harmful).toBe(world.eval.harmful);
    expect(reads).toEqual([]);
  });

  it('falls back to the world set by set: only the sets that name files read them', async () => {
    const { config, sources } = setup({ data: { harmful_eval: [{ path: 'harmful.csv', preset: 'advbench' }] } });
    const data = await loadRunData(config, sources);
    expect(data.eval.harmful.map((s) => s.prompt)).toEqual(
      (await readAll({ path: join(FIXTURES, 'harmful.csv'), preset: 'advbench' })).slice(0, 100).map((s) => s.prompt),
    );
    expect(data.eval.benign).toBe(world.eval.benign);
    expect(data.ift).toBe(world.ift.train);
  });

  it('trains only on prompts outside the holdout and evaluates only prompts no training file contributes', async () => {
    const { config, sources } = setup(FILES);
    const data = await loadRunData(config, sources);
    const holdout = { seed: 1234, fraction: 0.3 };
    const domain = await readAll({ path: join(FIXTURES, 'domain.jsonl'), preset: 'gsm8k' });
    expect(data.ift).toEqual(trainingPart(domain, holdout));
    expect(data.ift.length).toBeGreaterThan(10);
    expect(data.ift.length).toBeLessThan(domain.length);

    const training = new Set<string>();
    for (const file of ['benign.json', 'refusals.json', 'harmful.csv']) {
      const preset = file === 'harmful.csv' ? 'advbench' : 'alpaca';
      for (const s of trainingPart(await readAll({ path: join(FIXTURES, file), preset }), holdout))
        training.add(normalizePrompt(s.prompt));
    }
    for (const s of data.ift) training.add(normalizePrompt(s.prompt));
    for (const p of [...data.probe.harmful, ...data.probe.benign])
      expect(training.has(normalizePrompt(p)), p).toBe(true);
    for (const [metric, set] of Object.entries(data.eval)) {
      expect(set.length, metric).toBeGreaterThan(0);
      expect(set.length, metric).toBeLessThanOrEqual(5);
      for (const s of set) expect(training.has(normalizePrompt(s.prompt)), `${metric}: ${s.prompt}`).toBe(false);
    }
    expect(data.probe.harmful).toHaveLength(12);
    expect(data.probe.benign.length).toBeLessThanOrEqual(12);
    // Checkable sets carry their answers: GSM8K's final number, Alpaca's reference output; harm sets need none.
    expect(data.eval.expertise.every((s) => /^\d+$/.test(s.answer ?? ''))).toBe(true);
    expect(data.eval.usability.every((s) => s.answer?.startsWith('The colour'))).toBe(true);
    expect(data.eval.harmful.every((s) => s.answer === undefined && s.source?.includes('harmful.csv:'))).toBe(true);
    // Deterministic.
    expect(await loadRunData(config, setup(FILES).sources)).toEqual(data);
  });

  it('under holdout.evaluate: held-out, evaluates only the held-out part of every evaluation file', async () => {
    // An evaluation-only file (no training file of the run reads it): by default any of its prompts may be evaluated,
    // under `held-out` only those the seeded hash holds out (a base trained on the same split never saw them).
    const input = (evaluate?: 'held-out') => ({
      data: {
        holdout: { fraction: 0.3, ...(evaluate ? { evaluate } : {}) },
        harmful_eval: [{ path: 'harmful.csv', preset: 'advbench' }],
        eval_size: 1000,
      },
    });
    const all = await readAll({ path: join(FIXTURES, 'harmful.csv'), preset: 'advbench' });
    const held = new Set(heldOutPart(all, { seed: 1234, fraction: 0.3 }).map((s) => normalizePrompt(s.prompt)));
    expect(held.size).toBeGreaterThan(0);
    expect(held.size).toBeLessThan(all.length);

    const byDefault = await loadRunData(setup(input()).config, setup(input()).sources);
    expect(byDefault.eval.harmful).toHaveLength(all.length);
    const heldOut = await loadRunData(setup(input('held-out')).config, setup(input('held-out')).sources);
    expect(heldOut.eval.harmful.map((s) => normalizePrompt(s.prompt))).toEqual(
      all.map((s) => normalizePrompt(s.prompt)).filter((p) => held.has(p)),
    );
    // The eval stage's hash changes with the option; runs made without it keep theirs.
    const cfg = (evaluate?: 'held-out') => RunConfigSchema.parse(input(evaluate));
    expect(dataHashInputs(cfg('held-out'), 'eval')).not.toEqual(dataHashInputs(cfg(), 'eval'));
    expect(dataHashInputs(cfg(), 'eval')).not.toHaveProperty('evaluate');
  });

  it('records which items of each evaluation set come from which file, named as the config writes it', async () => {
    const harmful = [
      { path: 'harmful.csv', preset: 'advbench' },
      { path: 'refusals.json', preset: 'safety-tuned-llamas' },
      { path: join(FIXTURES, 'harmful.csv'), preset: 'advbench' }, // as --eval-harmful adds a file: absolute
    ] as const;
    const { config, sources } = setup({
      ...FILES,
      data: { ...FILES.data, harmful_eval: [...harmful], usability_eval: [] },
    });
    const data = await loadRunData(config, sources);
    expect(data.evalFiles.harmful.map((f) => f.file)).toEqual(['harmful.csv', 'refusals.json', 'harmful.csv (2)']);
    let start = 0;
    for (const [i, span] of data.evalFiles.harmful.entries()) {
      expect(span.items).toBeGreaterThan(0);
      const items = data.eval.harmful.slice(start, start + span.items);
      const file = join(FIXTURES, harmful[i]!.path.replace(FIXTURES, ''));
      for (const item of items) expect(item.source?.startsWith(file), `${item.source} of ${span.file}`).toBe(true);
      start += span.items;
    }
    expect(start).toBe(data.eval.harmful.length);
    expect(data.evalFiles.benign).toEqual([{ file: 'benign.json', items: data.eval.benign.length }]);
    expect(data.evalFiles.usability).toEqual([]); // the embedded world's set
  });

  it('skips probe prompts that do not fit the model', async () => {
    const { config, sources } = setup(FILES);
    const data = await loadRunData(config, { ...sources, fitsProbe: (p) => !p.includes('steal') });
    expect(data.probe.harmful.length).toBeGreaterThan(0);
    expect(data.probe.harmful.some((p) => p.includes('steal'))).toBe(false);
  });

  it('refuses an evaluation file that the run also trains on in full', async () => {
    const { config, sources } = setup({
      data: {
        holdout: { fraction: 0.01 },
        ift: { path: 'domain.jsonl', preset: 'gsm8k' },
        expertise_eval: [{ path: 'domain.jsonl', preset: 'gsm8k' }],
      },
    });
    await expect(loadRunData(config, sources)).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message:
        "domain.jsonl: every prompt of this expertise_eval file is also in the run's training data, so nothing is left to evaluate",
    });
  });
});

describe('the data folder', () => {
  it('is data.dir relative to the config file, else $MLLR_DATA_DIR, else ../shared/data beside the repository', () => {
    const config = RunConfigSchema.parse({ data: { dir: '../datasets' } });
    expect(dataDirOf(config, '/work/configs', {})).toBe('/work/datasets');
    expect(dataDirOf(RunConfigSchema.parse({}), '/work/configs', { MLLR_DATA_DIR: '/data/mllr' })).toBe('/data/mllr');
    const repo = fileURLToPath(new URL('../../../../../', import.meta.url));
    expect(defaultDataDir({})).toBe(join(repo, '..', 'shared', 'data'));
  });

  it('resolves relative dataset paths in it, and says where it looked when it is missing', () => {
    expect(resolveSource({ path: 'a.csv', preset: 'advbench' }, FIXTURES)).toEqual({
      path: join(FIXTURES, 'a.csv'),
      preset: 'advbench',
    });
    expect(resolveSource({ path: '/abs/a.csv' }, '/nowhere')).toEqual({ path: '/abs/a.csv' });
    expect(() => resolveSource({ path: 'a.csv' }, '/nowhere/data')).toThrow(
      expect.objectContaining({
        code: 'DATA_INVALID',
        message: expect.stringContaining('a.csv: the data folder /nowhere/data does not exist'),
      }),
    );
  });
});

describe('dataHashInputs', () => {
  it('lets an added evaluation file change only what eval depends on', () => {
    const before = RunConfigSchema.parse(FILES);
    const after = RunConfigSchema.parse({
      ...FILES,
      data: { ...FILES.data, harmful_eval: [{ path: 'harmful.csv', preset: 'advbench' }, { path: '/tmp/mine.csv' }] },
    });
    expect(dataHashInputs(after, 'probe')).toEqual(dataHashInputs(before, 'probe'));
    expect(dataHashInputs(after, 'ift')).toEqual(dataHashInputs(before, 'ift'));
    expect(dataHashInputs(after, 'eval')).not.toEqual(dataHashInputs(before, 'eval'));
  });
});
