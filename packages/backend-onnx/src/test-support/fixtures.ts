import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ModelArchitecture, NamedTensor, TrainExample } from '@mllr/core';
import { randomTensors, readSafetensors } from '@mllr/model';
import type { ModelSource } from '../export/model-source.js';

/** The tiny test architecture, shared with the other engine's tests through @mllr/model. */
export { tinyArchitecture } from '@mllr/model';

/** The PyTorch-made parity fixtures (tools/fixtures/make_checkpoints.py writes them). */
export const FIXTURES_DIR = resolve(import.meta.dirname, '../../../../fixtures/checkpoints');

/**
 * What this package's own tests read of the PyTorch references next to each fixture checkpoint: the greedy ids of
 * `mllr generate`. The engines' full parity with them is test/support/engine-conformance.ts.
 */
export interface Reference {
  cli_greedy: { prompt_ids: number[]; max_new_tokens: number; output_ids: number[] };
}

/** The folders under `dir` that have a reference.json, sorted (empty when `dir` is absent). */
function foldersWithReference(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => existsSync(join(dir, n, 'reference.json')))
    .sort();
}

function readReferenceJson<T>(dir: string, name: string): T {
  return JSON.parse(readFileSync(join(dir, name, 'reference.json'), 'utf8')) as T;
}

/** Fixture folder names (empty when the fixtures are absent). */
export function fixtureNames(): string[] {
  return foldersWithReference(FIXTURES_DIR);
}

export function readReference(name: string): Reference {
  return readReferenceJson<Reference>(FIXTURES_DIR, name);
}

/** PyTorch autograd's gradients on a fixture (tools/fixtures/make_gradients.py: gradients.json + gradients.safetensors). */
export interface GradientReference {
  batch: TrainExample[];
  /** Summed masked cross-entropy over the batch (not divided by its tokens). */
  lossSum: number;
  tokens: number;
  /** d lossSum / d tensor, by Hugging Face name. */
  gradients: Map<string, NamedTensor>;
}

/** Fixture folder names that have a gradient reference (empty when absent). */
export function gradientFixtureNames(): string[] {
  return fixtureNames().filter((n) => existsSync(join(FIXTURES_DIR, n, 'gradients.json')));
}

export async function readGradientReference(name: string): Promise<GradientReference> {
  const raw = JSON.parse(readFileSync(join(FIXTURES_DIR, name, 'gradients.json'), 'utf8')) as {
    batch: Array<{ ids: number[]; prompt_length: number }>;
    loss_sum: number;
    token_count: number;
  };
  return {
    batch: raw.batch.map((e) => ({ ids: e.ids, promptLength: e.prompt_length })),
    lossSum: raw.loss_sum,
    tokens: raw.token_count,
    gradients: await readSafetensors(join(FIXTURES_DIR, name, 'gradients.safetensors')),
  };
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
  return diff / scale;
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

/** Seeded random weights for an architecture. */
export function randomModel(architecture: ModelArchitecture, seed: number): ModelSource {
  return { architecture, tensors: randomTensors(architecture, seed) };
}

/** ONNX decoders in Hugging Face Optimum's IO convention (tools/fixtures/make_optimum_onnx.py writes them). */
export const OPTIMUM_FIXTURES_DIR = resolve(import.meta.dirname, '../../../../fixtures/onnx-optimum');

/** Reference outputs written by PyTorch next to each Optimum-convention fixture. */
export interface OptimumReference {
  source_checkpoint: string;
  inputs: string[];
  outputs: string[];
  prompts: number[][];
  logits: number[][][];
  greedy: Array<{ max_new_tokens: number; output_ids: number[] }>;
  cli_greedy: { prompt_ids: number[]; max_new_tokens: number; output_ids: number[] };
}

/** Optimum-convention fixture folder names (empty when absent). */
export function optimumFixtureNames(): string[] {
  return foldersWithReference(OPTIMUM_FIXTURES_DIR);
}

export function readOptimumReference(name: string): OptimumReference {
  return readReferenceJson<OptimumReference>(OPTIMUM_FIXTURES_DIR, name);
}
