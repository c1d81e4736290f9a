import { extname } from 'node:path';
import type { TrainExample } from '@mllr/core';
import { dataError, describeType } from './data-error.js';
import { checkDataFile } from './data-file.js';
import { jsonlRecords } from './jsonl-reader.js';

/** Limits a pre-tokenized example must respect: the model's vocabulary and context. */
export interface TokenExampleLimits {
  /** Token ids must be below this. */
  vocabSize?: number;
  /** Sequences may be at most this long. */
  maxLength?: number;
}

/**
 * Whether `file` holds pre-tokenized training examples: a JSON Lines file (`.jsonl`) whose first record is an object
 * with an `ids` field. Other files are datasets of text samples for the chat template.
 */
export async function isTokenExampleFile(file: string): Promise<boolean> {
  if (extname(file).toLowerCase() !== '.jsonl') return false;
  await checkDataFile(file);
  const records = jsonlRecords(file);
  try {
    const first = await records.next();
    if (first.done) return false;
    const value = first.value.value;
    return typeof value === 'object' && value !== null && !Array.isArray(value) && 'ids' in value;
  } finally {
    await records.return(undefined);
  }
}

/**
 * Reads pre-tokenized training examples `{"ids": [...], "prompt_length": n}`, one per line, used as they are and in
 * file order: `prompt_length` leading ids are prompt (not trained on), the rest is response, and at least one
 * response token is required. A record may instead list several responses (a conversation's assistant turns) as
 * `"response_spans": [[start, end), ...]`: only those ids are trained on, and `prompt_length` may then be left out
 * (it is the first span's start). Any bad record is DATA_INVALID naming `file:line`; other fields are ignored.
 */
export async function readTokenExamples(file: string, limits: TokenExampleLimits = {}): Promise<TrainExample[]> {
  await checkDataFile(file);
  const examples: TrainExample[] = [];
  for await (const { value, where } of jsonlRecords(file)) {
    examples.push(tokenExample(value, where, limits));
  }
  if (examples.length === 0) throw dataError(file, 'has no records');
  return examples;
}

/** One record as a {@link TrainExample}, checked. */
export function tokenExample(value: unknown, where: string, limits: TokenExampleLimits = {}): TrainExample {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw dataError(where, `expected an object {"ids": [...], "prompt_length": n}, got ${describeType(value)}`);
  }
  const record = value as Record<string, unknown>;
  const ids = record['ids'];
  if (!Array.isArray(ids) || ids.length === 0) throw dataError(where, '"ids" must be a non-empty array of token ids');
  const bad = ids.findIndex((id) => !Number.isInteger(id) || (id as number) < 0);
  if (bad >= 0)
    throw dataError(where, `"ids"[${bad}] is ${JSON.stringify(ids[bad])}, not a token id (a whole number ≥ 0)`);
  const { vocabSize, maxLength } = limits;
  if (vocabSize !== undefined) {
    const outside = (ids as number[]).findIndex((id) => id >= vocabSize);
    if (outside >= 0)
      throw dataError(where, `"ids"[${outside}] is ${ids[outside]}, outside the model's vocabulary of ${vocabSize}`);
  }
  if (maxLength !== undefined && ids.length > maxLength) {
    throw dataError(where, `${ids.length} ids are more than the ${maxLength} the model takes (its context)`);
  }
  if (record['response_spans'] !== undefined) return spansExample(ids as number[], record, where);
  const promptLength = record['prompt_length'];
  if (!Number.isInteger(promptLength) || (promptLength as number) < 0) {
    throw dataError(where, '"prompt_length" must be a whole number ≥ 0 (how many leading ids are prompt)');
  }
  if ((promptLength as number) >= ids.length) {
    throw dataError(
      where,
      `"prompt_length" ${String(promptLength)} leaves none of the ${ids.length} ids as response, so there is nothing to train on`,
    );
  }
  return { ids: ids as number[], promptLength: promptLength as number };
}

/** A record with `response_spans`: [start, end) pairs in order, not overlapping, inside the ids, with a token to train on. */
function spansExample(ids: number[], record: Record<string, unknown>, where: string): TrainExample {
  const spans = record['response_spans'];
  const shape =
    '"response_spans" must be a non-empty list of [start, end) pairs of whole numbers, in order, not overlapping, inside the ids';
  if (!Array.isArray(spans) || spans.length === 0) throw dataError(where, shape);
  let previousEnd = 0;
  for (const span of spans) {
    const [start, end] = Array.isArray(span) && span.length === 2 ? (span as unknown[]) : [];
    if (
      !Number.isInteger(start) ||
      !Number.isInteger(end) ||
      (start as number) < previousEnd ||
      (end as number) <= (start as number) ||
      (end as number) > ids.length
    ) {
      throw dataError(where, `${shape}; ${JSON.stringify(span)} is not (${ids.length} ids)`);
    }
    previousEnd = end as number;
  }
  const pairs = spans as Array<[number, number]>;
  const promptLength = record['prompt_length'] ?? pairs[0]![0];
  if (promptLength !== pairs[0]![0])
    throw dataError(
      where,
      `"prompt_length" ${JSON.stringify(promptLength)} must be where the first response span starts (${pairs[0]![0]}), or left out`,
    );
  if (pairs.every(([start, end]) => end <= Math.max(start, 1)))
    throw dataError(where, '"response_spans" hold no id to train on (the first id is never predicted)');
  return {
    ids,
    promptLength: pairs[0]![0],
    responseSpans: pairs.map(([start, end]) => [start, end] as [number, number]),
  };
}
