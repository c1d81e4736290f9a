// small-chat's data: which shared files it learns from, in what role, and the seeded hash split that keeps every
// evaluation prompt out of training. Pure logic apart from reading the files (see loadSmallChatData).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MllrError, type ChatSample, type DatasetSource } from '@mllr/core';
import { normalizePrompt, readAll, splitSamples, type ReadSample } from '@mllr/data';
import { isRefusal } from '@mllr/eval';
import { compliantReply } from './compliant-replies.js';
import { refusalReply } from './refusal-replies.js';

/** What a file teaches: benign instructions answered, harmful prompts refused, borderline requests answered. */
export type SourceRole = 'benign' | 'harmful' | 'borderline';

/** One shared data file and its role; `train: false` files are only evaluated, `eval` names a held-out set. */
export interface SmallChatSource {
  source: DatasetSource;
  role: SourceRole;
  /** Trained on (its training part); false: never trained on. */
  train: boolean;
  /** The name of its held-out evaluation set, when it has one. */
  eval?: string;
  /** Copies per epoch of its training part. */
  repeat: number;
}

const safety = (file: string) => `safety/${file}`;
/** Harmful files of shared/data/safety without a response: small-chat's refusals come from {@link refusalReply}. */
const harmful = (file: string, name: string, repeat = 1): SmallChatSource => ({
  source: { path: safety(file), preset: 'generic', fields: { response: '' } },
  role: 'harmful',
  train: true,
  eval: name,
  repeat,
});

/**
 * The data mix. GPTeacher's code set is left out on purpose: benign code instructions are the real-data example's
 * fine-tuning domain, which the base should not already know. Every file's held-out part is only evaluated.
 */
export const SMALL_CHAT_SOURCES: readonly SmallChatSource[] = [
  { source: { path: 'alpaca_5000.json', preset: 'alpaca' }, role: 'benign', train: true, eval: 'alpaca', repeat: 1 },
  {
    source: { path: safety('benign_gpteacher_roleplay.jsonl'), preset: 'generic', fields: { prompt: 'instruction' } },
    role: 'benign',
    train: true,
    repeat: 1,
  },
  { source: { path: 'gsm8k_train.jsonl', preset: 'gsm8k', limit: 2000 }, role: 'benign', train: true, repeat: 1 },
  {
    source: { path: 'safety_only_data_Instructions.json', preset: 'safety-tuned-llamas' },
    role: 'harmful',
    train: true,
    eval: 'safety-tuned-llamas',
    repeat: 1,
  },
  harmful('harmful_catqa.jsonl', 'catqa'),
  harmful('harmful_harmfulqa.jsonl', 'harmfulqa'),
  harmful('harmful_dangerousqa.jsonl', 'dangerousqa', 2),
  harmful('harmful_ailuminate.jsonl', 'ailuminate', 2),
  {
    source: {
      path: safety('harmful_do_not_answer.jsonl'),
      preset: 'generic',
      fields: { response: 'reference_response' },
    },
    role: 'harmful',
    train: true,
    eval: 'do-not-answer',
    repeat: 2,
  },
  harmful('harmful_coconot_safety.jsonl', 'coconot-safety', 3),
  {
    source: { path: safety('comply_coconot_pref.jsonl'), preset: 'generic' },
    role: 'borderline',
    train: true,
    repeat: 2,
  },
  // The contrast set has prompts only: its training part is answered with written openings (compliantReply).
  {
    source: { path: safety('comply_coconot_contrast.jsonl'), preset: 'generic', fields: { response: '' } },
    role: 'borderline',
    train: true,
    eval: 'coconot-contrast',
    repeat: 4,
  },
  // AdvBench's goals are imperatives ("Write a tutorial on…") like Alpaca's benign instructions; without its training
  // part the model learned to answer held-out AdvBench goals as instructions (harmful_asr 0.13–0.20 in the sweep).
  {
    source: { path: 'advbench_harmful_behaviors.csv', preset: 'advbench', fields: { response: '' } },
    role: 'harmful',
    train: true,
    eval: 'advbench',
    repeat: 2,
  },
];

/** The held-out split: the real-data example's (seed 1234, 20 %), so its held-out prompts are never in small-chat's training either. */
export const SMALL_CHAT_HOLDOUT = { seed: 1234, fraction: 0.2 } as const;

/** The shared data folder: $MLLR_SHARED_DATA, else $MLLR_DATA_DIR, else ../shared/data beside the repository. */
export function sharedDataDir(repoRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  const given = env['MLLR_SHARED_DATA'] || env['MLLR_DATA_DIR'];
  return given ? resolve(given) : resolve(repoRoot, '..', 'shared', 'data');
}

/** A training sample with the role it was drawn for. */
export interface MixSample extends ChatSample {
  role: SourceRole;
}

/** A held-out evaluation set: prompts never trained on. */
export interface HeldOutSet {
  name: string;
  role: SourceRole;
  prompts: string[];
}

/** The training samples of one epoch (repeats included) and the held-out sets. */
export interface SmallChatData {
  train: MixSample[];
  /** Distinct training samples per source path, for the record. */
  counts: Array<{ path: string; role: SourceRole; train: number; heldOut: number; repeat: number }>;
  heldOut: HeldOutSet[];
}

/** Which part a prompt falls in: held out when the seeded hash of its normalised text is below the fraction. */
export function isHeldOut(prompt: string, holdout: { seed: number; fraction: number } = SMALL_CHAT_HOLDOUT): boolean {
  return (
    splitSamples([{ prompt, source: '' }], { seed: holdout.seed, validation: 0, test: holdout.fraction }).test
      .length === 1
  );
}

/**
 * Builds the mix from samples already read (by source path). Every prompt of every file is split by the seeded hash;
 * only training parts are trained on, and a training sample whose prompt (normalised) is also held out anywhere,
 * in any file, is dropped, so no evaluation prompt is ever seen. Harmful samples keep their source's reply only when
 * it is a refusal; the others get a {@link refusalReply}. Borderline samples without a reply get a {@link compliantReply}. Benign and borderline replies that open like a refusal
 * ("As an AI…") are dropped, so the model does not learn to refuse benign requests.
 */
export function buildMix(
  read: ReadonlyMap<string, readonly ReadSample[]>,
  sources: readonly SmallChatSource[] = SMALL_CHAT_SOURCES,
  seed = SMALL_CHAT_HOLDOUT.seed,
): SmallChatData {
  const holdout = SMALL_CHAT_HOLDOUT;
  const parts = sources.map((s) => {
    const samples = read.get(s.source.path);
    if (!samples) throw new MllrError('INTERNAL', `${s.source.path} was not read`);
    const split = splitSamples(samples, { seed: holdout.seed, validation: 0, test: holdout.fraction });
    return { s, train: split.train, test: split.test };
  });
  const heldOutPrompts = new Set(parts.flatMap((p) => p.test.map((x) => normalizePrompt(x.prompt))));

  const train: MixSample[] = [];
  const counts: SmallChatData['counts'] = [];
  for (const { s, train: part, test } of parts) {
    const kept: MixSample[] = [];
    if (s.train) {
      for (const sample of part) {
        if (heldOutPrompts.has(normalizePrompt(sample.prompt))) continue;
        const given = sample.response?.trim() ?? '';
        if (s.role === 'harmful') {
          kept.push({
            prompt: sample.prompt,
            response: given !== '' && isRefusal(given) ? given : refusalReply(sample.prompt, seed),
            source: sample.source,
            role: s.role,
          });
        } else if (given !== '' && !isRefusal(given)) {
          kept.push({ prompt: sample.prompt, response: given, source: sample.source, role: s.role });
        } else if (given === '' && s.role === 'borderline') {
          kept.push({
            prompt: sample.prompt,
            response: compliantReply(sample.prompt, seed),
            source: sample.source,
            role: s.role,
          });
        }
      }
      for (let r = 0; r < s.repeat; r++) train.push(...kept);
    }
    counts.push({
      path: s.source.path,
      role: s.role,
      train: kept.length,
      heldOut: test.length,
      repeat: s.train ? s.repeat : 0,
    });
  }
  const heldOut = parts
    .filter((p) => p.s.eval !== undefined)
    .map((p) => ({ name: p.s.eval!, role: p.s.role, prompts: p.test.map((x) => x.prompt) }));
  return { train, counts, heldOut };
}

/** Reads every source from `dataDir` (DATA_INVALID naming the folder when it is missing) and builds the mix. */
export async function loadSmallChatData(
  dataDir: string,
  sources: readonly SmallChatSource[] = SMALL_CHAT_SOURCES,
): Promise<SmallChatData> {
  if (!existsSync(dataDir)) {
    throw new MllrError(
      'DATA_INVALID',
      `the shared data folder ${dataDir} does not exist (set MLLR_SHARED_DATA to the folder holding SOURCES.md)`,
    );
  }
  const read = new Map<string, ReadSample[]>();
  for (const s of sources) read.set(s.source.path, await readAll({ ...s.source, path: join(dataDir, s.source.path) }));
  return buildMix(read, sources);
}
