import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NamedTensor, TrainExample } from '@mllr/core';
import { readSafetensors } from '@mllr/model';
import { referenceFolders } from '../mllr-cli.js';

// The PyTorch references next to each fixture checkpoint (tools/fixtures/README.md), read once for every engine.

/** Where tools/fixtures/make_checkpoints.py writes the fixture checkpoints. */
export const FIXTURES_DIR = resolve(import.meta.dirname, '../../fixtures/checkpoints');

/** Forward references (reference.json): logits, last-token hidden states and greedy ids per prompt. */
export interface ForwardReference {
  prompts: number[][];
  logits: number[][][];
  last_token_hidden_states: number[][][];
  greedy: Array<{ max_new_tokens: number; output_ids: number[] }>;
  cli_greedy: { prompt_ids: number[]; max_new_tokens: number; output_ids: number[] };
}

/** Gradient references (gradients.json + gradients.safetensors, tools/fixtures/make_gradients.py). */
export interface GradientReference {
  batch: TrainExample[];
  /** Summed masked cross-entropy over the batch (not divided by its tokens). */
  lossSum: number;
  tokens: number;
  /** d lossSum / d tensor, by Hugging Face name. */
  gradients: Map<string, NamedTensor>;
}

/** Fixture folder names that have a reference.json (empty when the fixtures are absent). */
export function fixtureNames(): string[] {
  return referenceFolders(FIXTURES_DIR);
}

export function fixtureDir(name: string): string {
  return join(FIXTURES_DIR, name);
}

export function readForwardReference(name: string): ForwardReference {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, name, 'reference.json'), 'utf8')) as ForwardReference;
}

/**
 * The fixture's gradient reference, or undefined where it has not been written: `gradients` (make_gradients.py, one
 * prompt length per example) or `span-gradients` (make_span_gradients.py, several response spans per example).
 */
export async function readGradientReference(
  name: string,
  stem: 'gradients' | 'span-gradients' = 'gradients',
): Promise<GradientReference | undefined> {
  const json = join(FIXTURES_DIR, name, `${stem}.json`);
  if (!existsSync(json)) return undefined;
  type RawExample = { ids: number[]; prompt_length: number; response_spans?: Array<[number, number]> };
  const raw = JSON.parse(readFileSync(json, 'utf8')) as { batch: RawExample[]; loss_sum: number; token_count: number };
  return {
    batch: raw.batch.map((e) => ({
      ids: e.ids,
      promptLength: e.prompt_length,
      ...(e.response_spans ? { responseSpans: e.response_spans } : {}),
    })),
    lossSum: raw.loss_sum,
    tokens: raw.token_count,
    gradients: await readSafetensors(join(FIXTURES_DIR, name, `${stem}.safetensors`)),
  };
}

/** Largest absolute difference between a float array and a (nested) number array of the same length. */
export function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number> | number[][]): number {
  const flat = Array.isArray(expected)
    ? ((expected as unknown[]).flat(2) as number[])
    : Array.from(expected as ArrayLike<number>);
  if (flat.length !== actual.length) throw new Error(`length ${actual.length} != expected ${flat.length}`);
  let worst = 0;
  for (let i = 0; i < flat.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - flat[i]!));
  return worst;
}

/** max |actual − expected| / max |expected|: a gradient's error relative to its own scale. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < actual.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Whether two float arrays hold the same bits. */
export function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
