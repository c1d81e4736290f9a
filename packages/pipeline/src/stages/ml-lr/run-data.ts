import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  MllrError,
  createRng,
  shuffled,
  type ChatSample,
  type DatasetSource,
  type EvalSample,
  type RunConfig,
} from '@mllr/core';
import { normalizePrompt, splitSamples, type ReadSample, type World } from '@mllr/data';
import { evalFileLabels, type EvalFileSpan } from '../../evaluation/eval-files.js';

/**
 * Every prompt and example the ML-LR stages use, from one place: the embedded world's sets by default, and the
 * datasets of the config's `data` section where it names files (set by set: a set with no files keeps the world's).
 */
export interface RunDataSets {
  /** Prompts of the security feature probe. */
  probe: { harmful: string[]; benign: string[] };
  /** Benign fine-tuning samples (prompt + response). */
  ift: ChatSample[];
  /** Evaluation sets by metric; no prompt here is in any training use of the run. */
  eval: { harmful: EvalSample[]; benign: EvalSample[]; usability: EvalSample[]; expertise: EvalSample[] };
  /** Which items of each evaluation set come from which of its files, in order; empty for a set from the embedded world. */
  evalFiles: Record<keyof RunDataSets['eval'], EvalFileSpan[]>;
}

/** What {@link loadRunData} reads with. */
export interface RunDataSources {
  /** The samples of one source (its path already resolved against the data folder), honouring `limit`. */
  read(source: DatasetSource): Promise<ReadSample[]>;
  /** The embedded world of the run (built only when some set falls back to it). */
  world(): World;
  /** Whether a probe prompt fits the model (its chat-rendered length against the context); default: all fit. */
  fitsProbe?(prompt: string): boolean;
}

// <repo>/packages/pipeline/{src,dist}/stages/ml-lr/ → <repo>/
const REPO_ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));

/** The data folder when the config names none: $MLLR_DATA_DIR, else `../shared/data` beside the repository. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['MLLR_DATA_DIR'];
  return fromEnv !== undefined && fromEnv !== '' ? resolve(fromEnv) : join(REPO_ROOT, '..', 'shared', 'data');
}

/** The folder relative dataset paths are read from: `data.dir` (relative to the config file) or the default. */
export function dataDirOf(
  config: Pick<RunConfig, 'data'>,
  configDir: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return config.data.dir !== undefined ? resolve(configDir, config.data.dir) : defaultDataDir(env);
}

/**
 * A source with its path resolved against the data folder. A relative path whose folder does not exist is
 * DATA_INVALID saying which folder was looked in and how to point elsewhere.
 */
export function resolveSource(source: DatasetSource, dataDir: string): DatasetSource {
  if (isAbsolute(source.path)) return source;
  if (!existsSync(dataDir)) {
    throw new MllrError(
      'DATA_INVALID',
      `${source.path}: the data folder ${dataDir} does not exist (set data.dir in the config, or MLLR_DATA_DIR, to the folder with the datasets)`,
    );
  }
  return { ...source, path: join(dataDir, source.path) };
}

/** The seed and fraction of the held-out split. */
export function holdoutOf(config: Pick<RunConfig, 'data' | 'seed'>): { seed: number; fraction: number } {
  return { seed: config.data.holdout.seed ?? config.seed, fraction: config.data.holdout.fraction };
}

/** How `data.holdout` splits samples: a sample is held out when the seeded hash of its normalised prompt is below `fraction`. */
function holdoutSplit<T extends ChatSample>(samples: readonly T[], holdout: { seed: number; fraction: number }) {
  return splitSamples(samples, { seed: holdout.seed, validation: 0, test: holdout.fraction });
}

/** The samples a training use may read: those whose prompt is not held out (a seeded hash of the normalised prompt). */
export function trainingPart<T extends ChatSample>(
  samples: readonly T[],
  holdout: { seed: number; fraction: number },
): T[] {
  return holdoutSplit(samples, holdout).train;
}

/** The held-out part of `samples` under `holdout` (the complement of {@link trainingPart}). */
export function heldOutPart<T extends ChatSample>(
  samples: readonly T[],
  holdout: { seed: number; fraction: number },
): T[] {
  return holdoutSplit(samples, holdout).test;
}

/** The dataset files the run trains on (pretraining, fine-tuning, probe), in config order. */
export function trainingSources(config: Pick<RunConfig, 'model' | 'data'>): DatasetSource[] {
  const pretrain = (config.model.pretrain?.data ?? []).map((source): DatasetSource => {
    const copy: DatasetSource & { repeat?: number } = { ...source };
    delete copy.repeat; // oversampling does not change which prompts are trained on
    return copy;
  });
  return [
    ...pretrain,
    ...(config.data.ift ? [config.data.ift] : []),
    ...config.data.probe.harmful,
    ...config.data.probe.benign,
  ];
}

const EVAL_SETS = [
  ['harmful', 'harmful_eval'],
  ['benign', 'benign_eval'],
  ['usability', 'usability_eval'],
  ['expertise', 'expertise_eval'],
] as const;

/**
 * Builds the run's data sets. Training uses (fine-tuning examples, probe prompts; pretraining reads the same way
 * through {@link trainingPart}) skip held-out prompts; each evaluation file skips every prompt that any training file
 * of the run contributes, then gives at most `data.eval_size` items (a seeded sample, kept in file order). With no
 * files named anywhere, the result is exactly the world's sets.
 */
export async function loadRunData(
  config: Pick<RunConfig, 'model' | 'data' | 'seed'>,
  sources: RunDataSources,
): Promise<RunDataSets> {
  const holdout = holdoutOf(config);
  const { data } = config;
  const read = memoized(sources.read);
  const trainingOf = async (source: DatasetSource) => trainingPart(await read(source), holdout);

  const ift = data.ift ? await trainingOf(data.ift) : sources.world().ift.train;

  let probe: RunDataSets['probe'];
  if (data.probe.harmful.length > 0) {
    const pick = async (list: readonly DatasetSource[], name: string) => {
      const prompts: string[] = [];
      const seen = new Set<string>();
      for (const source of list) {
        for (const sample of await trainingOf(source)) {
          const key = normalizePrompt(sample.prompt);
          if (seen.has(key)) continue;
          seen.add(key);
          prompts.push(sample.prompt);
        }
      }
      // A seeded draw of `size` prompts among those that fit the model, back in file order.
      const order = shuffled(
        prompts.map((_, i) => i),
        createRng(seedFor(holdout.seed, `probe:${name}`)),
      );
      const chosen: number[] = [];
      for (const i of order) {
        if (chosen.length === data.probe.size) break;
        if (sources.fitsProbe?.(prompts[i]!) ?? true) chosen.push(i);
      }
      return chosen.sort((a, b) => a - b).map((i) => prompts[i]!);
    };
    probe = { harmful: await pick(data.probe.harmful, 'harmful'), benign: await pick(data.probe.benign, 'benign') };
  } else {
    probe = sources.world().probe;
  }

  const trained = new Set<string>();
  for (const source of trainingSources(config))
    for (const sample of await trainingOf(source)) trained.add(normalizePrompt(sample.prompt));

  // Under `evaluate: held-out` only each file's held-out part is eligible (the base may have trained on the rest).
  const heldOutOnly = data.holdout.evaluate === 'held-out';
  const evalSets = {} as RunDataSets['eval'];
  const evalFiles = {} as RunDataSets['evalFiles'];
  for (const [metric, key] of EVAL_SETS) {
    const list = data[key];
    evalFiles[metric] = [];
    if (list.length === 0) {
      evalSets[metric] = sources.world().eval[metric];
      continue;
    }
    const items: EvalSample[] = [];
    const labels = evalFileLabels(list.map((source) => source.path));
    for (const [i, source] of list.entries()) {
      const seen = new Set<string>();
      const all = await read(source);
      const part = heldOutOnly ? heldOutPart(all, holdout) : all;
      const eligible = part.filter((s) => {
        const norm = normalizePrompt(s.prompt);
        if (trained.has(norm) || seen.has(norm)) return false;
        seen.add(norm);
        return true;
      });
      if (eligible.length === 0) {
        throw new MllrError(
          'DATA_INVALID',
          heldOutOnly && part.length === 0
            ? `${source.path}: none of this ${key} file's ${all.length} prompts is in the held-out part (data.holdout.evaluate: held-out), so nothing is left to evaluate`
            : `${source.path}: every prompt of this ${key} file is also in the run's training data, so nothing is left to evaluate`,
        );
      }
      const chosen = sampleInOrder(eligible, data.eval_size, seedFor(holdout.seed, `${key}:${i}`));
      for (const s of chosen) {
        const answer = s.answer ?? s.response;
        items.push({
          prompt: s.prompt,
          ...((metric === 'usability' || metric === 'expertise') && answer !== undefined ? { answer } : {}),
          source: s.source,
        });
      }
      evalFiles[metric].push({ file: labels[i]!, items: chosen.length });
    }
    evalSets[metric] = items;
  }
  return { probe, ift, eval: evalSets, evalFiles };
}

/** The parts of `data` each stage's result depends on (for its hash), so adding an eval file reruns only `eval`. */
export function dataHashInputs(
  config: Pick<RunConfig, 'model' | 'data' | 'seed'>,
  use: 'probe' | 'ift' | 'eval',
): unknown {
  const { data } = config;
  const common = { world: data.world, dir: data.dir ?? null, holdout: holdoutOf(config) };
  if (use === 'probe') return { ...common, probe: data.probe };
  if (use === 'ift') return { ...common, ift: data.ift ?? null };
  return {
    ...common,
    training: trainingSources(config),
    sets: EVAL_SETS.map(([, key]) => data[key]),
    eval_size: data.eval_size,
    // Only when set, so runs made before the option existed keep their hash.
    ...(data.holdout.evaluate === 'held-out' ? { evaluate: 'held-out' } : {}),
  };
}

/** Up to `n` items chosen by a seeded shuffle, returned in their original order. */
export function sampleInOrder<T>(items: readonly T[], n: number, seed: number): T[] {
  if (items.length <= n) return [...items];
  const chosen = shuffled(
    items.map((_, i) => i),
    createRng(seed),
  )
    .slice(0, n)
    .sort((a, b) => a - b);
  return chosen.map((i) => items[i]!);
}

/** A 32-bit seed from a run seed and a name, so each set gets its own independent draw. */
function seedFor(seed: number, name: string): number {
  return createHash('sha256').update(`${seed}\u0000${name}`).digest().readUInt32BE(0);
}

function memoized(
  read: (source: DatasetSource) => Promise<ReadSample[]>,
): (source: DatasetSource) => Promise<ReadSample[]> {
  const cache = new Map<string, Promise<ReadSample[]>>();
  return (source) => {
    const key = JSON.stringify(source);
    let found = cache.get(key);
    if (!found) cache.set(key, (found = read(source)));
    return found;
  };
}
