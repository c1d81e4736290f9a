import { MllrError, type ModelArchitecture } from '@mllr/core';
import { expectedTensorShapes } from './expected-shapes.js';

/** Where a tensor was found, for error messages (a file name, or a shard for sharded checkpoints). */
export type TensorSource = (name: string) => string;

const MAX_LISTED = 5;

/**
 * Checks the tensors a checkpoint holds (name → shape) against what `arch` needs and returns the names to load.
 * Rotary `inv_freq` buffers (recomputed from rope_theta) and an `lm_head.weight` in a tied model (a copy of the
 * embeddings) are skipped. Missing tensors, wrong shapes and anything else unexpected are one CHECKPOINT_INVALID
 * error listing every problem.
 */
export function checkTensorShapes(
  arch: ModelArchitecture,
  found: ReadonlyMap<string, readonly number[]>,
  where: string,
  sourceOf: TensorSource,
): string[] {
  const expected = expectedTensorShapes(arch);
  const problems: { where: string; message: string }[] = [];
  for (const [name, shape] of expected) {
    const actual = found.get(name);
    if (!actual) problems.push({ where, message: `missing tensor "${name}" (expected shape ${fmt(shape)})` });
    else if (!sameShape(actual, shape)) {
      problems.push({
        where: sourceOf(name),
        message: `tensor "${name}" has shape ${fmt(actual)}, expected ${fmt(shape)}`,
      });
    }
  }
  for (const name of found.keys()) {
    if (expected.has(name) || isIgnored(name, arch)) continue;
    problems.push({
      where: sourceOf(name),
      message: `unexpected tensor "${name}" (not part of a ${arch.family} model with this config)`,
    });
  }
  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_LISTED).map((p) => `${p.where}: ${p.message}`);
    const more = problems.length > MAX_LISTED ? `; and ${problems.length - MAX_LISTED} more` : '';
    throw new MllrError(
      'CHECKPOINT_INVALID',
      `${where}: the tensors do not match config.json: ${listed.join('; ')}${more}`,
      { details: problems },
    );
  }
  return [...expected.keys()];
}

function isIgnored(name: string, arch: ModelArchitecture): boolean {
  if (name.endsWith('.rotary_emb.inv_freq')) return true;
  return arch.tieWordEmbeddings && name === 'lm_head.weight';
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
