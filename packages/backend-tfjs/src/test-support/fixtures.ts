import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where the PyTorch-made parity fixtures live (tools/fixtures/make_checkpoints.py writes them). */
export const FIXTURES_DIR = resolve(import.meta.dirname, '../../../../fixtures/checkpoints');

/** Reference outputs written next to each fixture checkpoint. */
export interface Reference {
  prompts: number[][];
  logits: number[][][];
  last_token_hidden_states: number[][][];
  greedy: Array<{ max_new_tokens: number; output_ids: number[] }>;
}

/** Fixture folder names (empty when the fixtures are absent). */
export function fixtureNames(): string[] {
  if (!existsSync(FIXTURES_DIR)) return [];
  return readdirSync(FIXTURES_DIR).filter((n) => existsSync(join(FIXTURES_DIR, n, 'reference.json'))).sort();
}

/** The reference outputs of one fixture. */
export function readReference(name: string): Reference {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, name, 'reference.json'), 'utf8')) as Reference;
}

/** Largest absolute difference between a float array and a nested number array. */
export function maxAbsDiff(actual: ArrayLike<number>, expected: number[] | number[][]): number {
  const flat = (expected as unknown[]).flat(2) as number[];
  if (flat.length !== actual.length) throw new Error(`length ${actual.length} != expected ${flat.length}`);
  let worst = 0;
  for (let i = 0; i < flat.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - flat[i]!));
  return worst;
}
