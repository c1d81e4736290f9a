/**
 * Splits a batch into `parts` micro-batches of near-equal size, in order (fewer when the batch is smaller): slices
 * of ⌈B/K⌉ examples. Every training engine accumulates with this split, so they sum the same examples together.
 */
export function splitMicroBatches<T>(items: readonly T[], parts: number): T[][] {
  const count = Math.max(1, Math.min(parts, items.length));
  const size = Math.ceil(items.length / count);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
