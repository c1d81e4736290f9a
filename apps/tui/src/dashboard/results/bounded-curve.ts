/** One point of a curve: x is the step, y the value measured there. */
export interface CurvePoint {
  x: number;
  y: number;
}

/**
 * A curve that never holds more than `capacity` points, however long training runs: once full it keeps every other
 * point and from then on only every `stride`-th new one. A sparkline has a few dozen columns, so this loses nothing
 * visible, and it keeps each event's (copying) reduction cheap.
 */
export interface BoundedCurve {
  points: CurvePoint[];
  /** Keep one point in this many. */
  stride: number;
  /** Points offered so far (kept or not). */
  seen: number;
  /** The newest point offered, kept or not. */
  last?: CurvePoint;
  /** The first point offered. */
  first?: CurvePoint;
}

/** Points kept per curve before thinning. */
export const CURVE_CAPACITY = 256;

/** An empty curve. */
export function emptyCurve(): BoundedCurve {
  return { points: [], stride: 1, seen: 0 };
}

/** Returns the curve with `point` offered; pure (the input is not changed). */
export function appendToCurve(curve: BoundedCurve, point: CurvePoint, capacity = CURVE_CAPACITY): BoundedCurve {
  const first = curve.first ?? point;
  const seen = curve.seen + 1;
  if (curve.seen % curve.stride !== 0) return { ...curve, seen, last: point, first };
  let points = curve.points;
  let stride = curve.stride;
  if (points.length >= capacity) {
    points = points.filter((_, i) => i % 2 === 0);
    stride *= 2;
    // The thinned curve keeps offsets 0, 2s, 4s…; this point only belongs if it falls on the new grid.
    if (curve.seen % stride !== 0) return { points, stride, seen, last: point, first };
  }
  return { points: [...points, point], stride, seen, last: point, first };
}
