import { MllrError } from '@mllr/core';

/** Labels that name the harmful class: `harmful`, `unsafe`, `toxic`, `LABEL_HARM`… */
const HARMFUL = /harm|unsafe|toxic/i;
/** …but not their negations: `harmless`, `not_harmful`, `non-toxic`, `no harm`. */
const NEGATED = /harmless|(^|[^a-z])(non|not|no)([^a-z]|$)|non-?toxic|not-?harm/i;

/**
 * Reads config.json's `id2label` (`{"0": "safe", "1": "unsafe"}`) into index → label; undefined when absent.
 * Malformed entries are DATA_INVALID naming `file`.
 */
export function readId2Label(config: Record<string, unknown>, file: string): Map<number, string> | undefined {
  const raw = config['id2label'];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new MllrError('DATA_INVALID', `${file}: "id2label" must be an object of index → label`);
  }
  const labels = new Map<number, string>();
  for (const [key, value] of Object.entries(raw)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || typeof value !== 'string') {
      throw new MllrError(
        'DATA_INVALID',
        `${file}: "id2label" entry ${JSON.stringify(key)} → ${JSON.stringify(value)} is not index → label`,
      );
    }
    labels.set(index, value);
  }
  return labels;
}

/**
 * The output index of the harmful class. `harmfulLabel` may be a label name or an index; without it, the one label
 * that matches /harm|unsafe|toxic/i and is not a negation (`harmless`, `non-toxic`, `not_harmful`) is taken.
 * Anything ambiguous is ARGUMENT_INVALID listing the labels.
 */
export function harmfulLabelIndex(
  labels: Map<number, string> | undefined,
  harmfulLabel: string | number | undefined,
  file: string,
): number {
  const listing = labels ? [...labels].map(([i, l]) => `${i}: ${l}`).join(', ') : '';
  if (typeof harmfulLabel === 'number') {
    if (labels && !labels.has(harmfulLabel)) {
      throw new MllrError(
        'ARGUMENT_INVALID',
        `harmfulLabel ${harmfulLabel} is not a label index of ${file} (${listing})`,
      );
    }
    return harmfulLabel;
  }
  if (!labels) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `${file} has no "id2label", so the harmful class is unknown; set the harmfulLabel option to its output index`,
    );
  }
  if (harmfulLabel !== undefined) {
    const found = [...labels].find(([, label]) => label === harmfulLabel);
    if (!found)
      throw new MllrError('ARGUMENT_INVALID', `harmfulLabel "${harmfulLabel}" is not a label of ${file} (${listing})`);
    return found[0];
  }
  const candidates = [...labels].filter(([, label]) => HARMFUL.test(label) && !NEGATED.test(label));
  if (candidates.length !== 1) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `cannot tell which label of ${file} is the harmful one (${listing}); set the harmfulLabel option`,
    );
  }
  return candidates[0]![0];
}

/** Softmax of each row of a [rows, cols] matrix, computed stably (max subtracted). */
export function softmaxRows(data: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let c = 0; c < cols; c++) max = Math.max(max, data[r * cols + c]!);
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += out[r * cols + c] = Math.exp(data[r * cols + c]! - max);
    for (let c = 0; c < cols; c++) out[r * cols + c]! /= sum;
  }
  return out;
}
