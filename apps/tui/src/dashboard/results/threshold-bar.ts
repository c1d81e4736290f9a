/** A run of characters of one kind in a threshold bar. */
export interface BarSegment {
  text: string;
  kind: 'fill' | 'empty' | 'threshold';
}

/** The value range the search panel's bars share. */
export interface BarRange {
  lo: number;
  hi: number;
}

/**
 * A range that shows every decision and the threshold: from a little below the lowest of them up to 1 (clean) or the
 * highest value. Starting near the data rather than at 0 matters because probe values sit within a few percent of 1.
 */
export function barRange(values: readonly number[], threshold: number | undefined): BarRange {
  const finite = values.filter(Number.isFinite);
  const all = threshold !== undefined ? [...finite, threshold] : finite;
  if (all.length === 0) return { lo: 0, hi: 1 };
  const top = Math.max(1, ...all);
  const bottom = Math.min(...all);
  const pad = Math.max(0.01, (top - bottom) * 0.25);
  return { lo: bottom - pad, hi: top };
}

/** Bar of `width` columns for `value` on `range`, with the threshold drawn as `┃` in its column. */
export function thresholdBar(
  value: number,
  threshold: number | undefined,
  range: BarRange,
  width: number,
): BarSegment[] {
  const column = (v: number) => Math.round(((v - range.lo) / (range.hi - range.lo)) * width);
  const filled = Number.isFinite(value) ? Math.min(width, Math.max(0, column(value))) : 0;
  const mark = threshold !== undefined ? Math.min(width - 1, Math.max(0, column(threshold))) : -1;
  const chars: Array<BarSegment['kind']> = Array.from({ length: width }, (_, i) =>
    i === mark ? 'threshold' : i < filled ? 'fill' : 'empty',
  );
  const segments: BarSegment[] = [];
  for (const kind of chars) {
    const ch = kind === 'threshold' ? '┃' : kind === 'fill' ? '█' : '░';
    const last = segments.at(-1);
    if (last && last.kind === kind) last.text += ch;
    else segments.push({ kind, text: ch });
  }
  return segments;
}
