import { HIGHER_IS_BETTER, type MetricName } from './report-data.js';

/** A fraction as a percentage with one decimal: 0.1234 → `12.3%`. */
export function pct(value: number): string {
  return Number.isFinite(value) ? `${(100 * value).toFixed(1)}%` : 'n/a';
}

/** A fraction over `n` seeds: `12.3%` for one seed, `12.3 ± 4.5%` (sample sd) for several. */
export function pctMeanSd(mean: number, sd: number, n: number): string {
  if (n <= 1 || !Number.isFinite(sd)) return pct(mean);
  return Number.isFinite(mean) ? `${(100 * mean).toFixed(1)} ± ${(100 * sd).toFixed(1)}%` : 'n/a';
}

/** A difference of fractions in signed percentage points: 0.012 → `+1.2`, -0.5 → `-50.0`, tiny → `+0.0`. */
export function pointsDelta(delta: number): string {
  if (!Number.isFinite(delta)) return 'n/a';
  const text = (100 * Math.abs(delta)).toFixed(1);
  return `${delta < 0 && text !== '0.0' ? '-' : '+'}${text}`;
}

/** Whether a change of a metric is an improvement, a regression, or too small to show (under 0.05 points). */
export function deltaDirection(metric: MetricName, delta: number): 'better' | 'worse' | 'same' {
  if (!Number.isFinite(delta) || Math.abs(delta) < 0.0005) return 'same';
  return delta > 0 === HIGHER_IS_BETTER[metric] ? 'better' : 'worse';
}

/** Seconds, short: `0.4 s`, `12.3 s`, `2 min 5 s`. */
export function seconds(value: number): string {
  if (value < 60) return `${value.toFixed(1)} s`;
  const minutes = Math.floor(value / 60);
  return `${minutes} min ${Math.round(value - 60 * minutes)} s`;
}
