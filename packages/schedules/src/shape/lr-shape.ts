/** How every group's rate changes over the steps of a run: a multiplier in (0, 1]. */
export type LrShapeName = 'constant' | 'linear' | 'cosine';

/** The shape settings of a schedule, defaults filled in. */
export interface LrShape {
  shape: LrShapeName;
  /** Steps of linear warm-up from 1/warmupSteps to 1 at the start of the run; 0 = none. */
  warmupSteps: number;
  /** Where linear and cosine decay end, as a fraction of the rate (constant ignores it). */
  minRatio: number;
}

/** The default shape: constant, no warm-up. */
export const DEFAULT_LR_SHAPE: LrShape = { shape: 'constant', warmupSteps: 0, minRatio: 0 };

/**
 * The multiplier of every group's rate at `step` (0-based) of `totalSteps`. Warm-up step s gives (s+1)/warmupSteps,
 * so the first step already trains. Decay follows the Hugging Face convention: progress p = (step − warmup) /
 * (totalSteps − warmup) reaches 1 one step after the last, so the last step is not wasted at minRatio (often 0).
 * Callers check 0 ≤ step < totalSteps and warmupSteps ≤ totalSteps.
 */
export function shapeFactor(step: number, totalSteps: number, shape: LrShape): number {
  if (step < shape.warmupSteps) return (step + 1) / shape.warmupSteps;
  if (shape.shape === 'constant') return 1;
  // step ≥ warmupSteps and step < totalSteps, so the denominator is at least 1.
  const progress = (step - shape.warmupSteps) / (totalSteps - shape.warmupSteps);
  const decay = shape.shape === 'linear' ? 1 - progress : 0.5 * (1 + Math.cos(Math.PI * progress));
  return shape.minRatio + (1 - shape.minRatio) * decay;
}
