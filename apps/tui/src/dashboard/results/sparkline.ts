import type { CurvePoint } from './bounded-curve.js';

/** The eight block heights a sparkline is drawn with, lowest first. */
export const SPARK_LEVELS = '▁▂▃▄▅▆▇█';

/** The window a sparkline maps its points into; several curves share one so they can be compared by eye. */
export interface SparkScale {
  /** x values from 0 up to (not including) `xEnd` fill the width. */
  xEnd: number;
  yMin: number;
  yMax: number;
}

/**
 * A one-row chart of `points` in `width` columns: each column shows the mean y of the points whose x falls in it.
 * Columns between two points repeat the earlier value (steps are logged sparsely); columns after the newest point
 * stay blank, so a run still training shows as a partial line. A non-finite y (a diverged loss) draws as `!`.
 */
export function sparkline(points: readonly CurvePoint[], width: number, scale: SparkScale): string {
  if (width <= 0 || points.length === 0) return ' '.repeat(Math.max(0, width));
  const sums = new Array<number>(width).fill(0);
  const counts = new Array<number>(width).fill(0);
  let lastColumn = 0;
  for (const { x, y } of points) {
    const column = Math.min(width - 1, Math.max(0, Math.floor((x / Math.max(1e-9, scale.xEnd)) * width)));
    sums[column]! += y;
    counts[column]! += 1;
    lastColumn = Math.max(lastColumn, column);
  }
  let text = '';
  let previous: number | undefined;
  for (let column = 0; column < width; column++) {
    if (column > lastColumn) {
      text += ' ';
      continue;
    }
    const value = counts[column]! > 0 ? sums[column]! / counts[column]! : previous;
    previous = value;
    text += value === undefined ? ' ' : sparkChar(value, scale);
  }
  return text;
}

/** The block for one value on the scale (the middle block when the scale is flat). */
export function sparkChar(value: number, scale: Pick<SparkScale, 'yMin' | 'yMax'>): string {
  if (!Number.isFinite(value)) return '!';
  const span = scale.yMax - scale.yMin;
  const top = SPARK_LEVELS.length - 1;
  const level = span > 0 ? Math.round(((value - scale.yMin) / span) * top) : Math.floor(top / 2);
  return SPARK_LEVELS[Math.min(top, Math.max(0, level))]!;
}
