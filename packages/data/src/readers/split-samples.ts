import { createHash } from 'node:crypto';
import type { ChatSample } from '@mllr/core';
import { MllrError } from '@mllr/core';

/** How to split: the seed and the fractions held out (the rest is train). */
export interface SplitOptions {
  seed: number;
  /** Fraction for validation, in [0, 1); default 0.1. */
  validation?: number;
  /** Fraction for test, in [0, 1); default 0.1. */
  test?: number;
}

/** The three parts of a split, each in the input's order. */
export interface SampleSplits<T> {
  train: T[];
  validation: T[];
  test: T[];
}

/** Prompt text as compared for splitting: trimmed, lower-cased, runs of whitespace collapsed to one space. */
export function normalizePrompt(prompt: string): string {
  return prompt.trim().toLowerCase().replace(/\s+/g, ' ');
}

/**
 * Splits samples into train/validation/test by a seeded hash of the normalised prompt, not by position: the same
 * prompt (up to case and whitespace) always lands in the same part, so duplicates cannot leak a test prompt into
 * training, and the result depends only on the seed and the prompts, not on the order or the other samples. The
 * fractions hold in expectation (each prompt is an independent draw), not exactly.
 */
export function splitSamples<T extends ChatSample>(samples: readonly T[], options: SplitOptions): SampleSplits<T> {
  const { seed, validation = 0.1, test = 0.1 } = options;
  if (!Number.isSafeInteger(seed))
    throw new MllrError('ARGUMENT_INVALID', `split seed must be an integer, got ${seed}`);
  for (const [name, fraction] of [
    ['validation', validation],
    ['test', test],
  ] as const) {
    if (!(fraction >= 0 && fraction < 1))
      throw new MllrError('ARGUMENT_INVALID', `split ${name} fraction must be in [0, 1), got ${fraction}`);
  }
  if (validation + test >= 1) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `split fractions leave nothing to train on: validation ${validation} + test ${test} >= 1`,
    );
  }
  const splits: SampleSplits<T> = { train: [], validation: [], test: [] };
  const memo = new Map<string, keyof SampleSplits<T>>();
  for (const sample of samples) {
    const key = normalizePrompt(sample.prompt);
    let part = memo.get(key);
    if (part === undefined) {
      const u = unitHash(seed, key);
      part = u < test ? 'test' : u < test + validation ? 'validation' : 'train';
      memo.set(key, part);
    }
    splits[part].push(sample);
  }
  return splits;
}

/**
 * A uniform number in [0, 1) from SHA-256 of the seed and the text: the same on every machine and Node version, and
 * far better mixed than a small non-cryptographic hash would need to be for this.
 */
function unitHash(seed: number, text: string): number {
  const digest = createHash('sha256').update(`${seed}\u0000${text}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}
