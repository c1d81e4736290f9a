/** Tableau 10 without its grey, which is kept for the base model. */
const CATEGORY = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f'];
const BASE_COLOUR = '#9a9a9a';

/**
 * A fixed colour per model id (`base` grey, strategies in order), so a strategy has the same colour in every chart.
 * Returned as a Vega-Lite scale domain and range; the ids are data values, never expressions.
 */
export function modelColours(ids: readonly string[]): { domain: string[]; range: string[] } {
  let next = 0;
  const range = ids.map((id) => (id === 'base' ? BASE_COLOUR : CATEGORY[next++ % CATEGORY.length]!));
  return { domain: [...ids], range };
}
