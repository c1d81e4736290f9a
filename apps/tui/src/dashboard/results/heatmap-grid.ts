import { MODULE_TYPES, type ModuleType } from '@mllr/core';

/** Module scores laid out as module type (rows) × layer (columns). */
export interface HeatmapGrid {
  /** All seven module types, so the grid keeps its shape while cells arrive. */
  types: readonly ModuleType[];
  /** Layers 0 … the deepest layer seen so far. */
  layers: number[];
  /** Score of a cell, or undefined while it has not arrived. */
  score(type: ModuleType, layer: number): number | undefined;
  /** Lowest and highest score seen (undefined while empty). */
  min?: number;
  max?: number;
}

/**
 * Background colours of the heatmap, least robust first (red → yellow → green). Named ANSI colours rather than hex:
 * on a 16-colour terminal hex is rounded to whatever is nearest, which scrambles the ramp's order.
 */
export const HEAT_COLOURS = ['red', 'redBright', 'yellow', 'greenBright', 'green'] as const;

const MODULE_ID = /^L(\d+)\.(q|k|v|o|gate|up|down)$/;

/** Builds the grid from `module id → score`; ids that are not modules (`L3.x`) are left out. */
export function heatmapGrid(scores: Readonly<Record<string, number>>): HeatmapGrid {
  const cells = new Map<string, number>();
  let deepest = -1;
  let min: number | undefined;
  let max: number | undefined;
  for (const [id, score] of Object.entries(scores)) {
    const m = MODULE_ID.exec(id);
    if (!m) continue;
    const layer = Number(m[1]);
    cells.set(`${m[2]}@${layer}`, score);
    deepest = Math.max(deepest, layer);
    if (Number.isFinite(score)) {
      min = min === undefined ? score : Math.min(min, score);
      max = max === undefined ? score : Math.max(max, score);
    }
  }
  return {
    types: MODULE_TYPES,
    layers: Array.from({ length: deepest + 1 }, (_, i) => i),
    score: (type, layer) => cells.get(`${type}@${layer}`),
    ...(min !== undefined ? { min, max } : {}),
  };
}

/** Which of `steps` equal bands between `min` and `max` a score falls in (0 = least robust). */
export function heatStep(score: number, min: number, max: number, steps: number = HEAT_COLOURS.length): number {
  if (!Number.isFinite(score)) return 0;
  if (max <= min) return steps - 1;
  return Math.min(steps - 1, Math.max(0, Math.floor(((score - min) / (max - min)) * steps)));
}

/** A score as the heatmap prints it: three decimals, right-aligned in `width`. */
export function formatScore(score: number | undefined, width: number): string {
  if (score === undefined) return '·'.padStart(Math.ceil(width / 2)).padEnd(width);
  return (Number.isFinite(score) ? score.toFixed(3) : String(score)).padStart(width);
}
