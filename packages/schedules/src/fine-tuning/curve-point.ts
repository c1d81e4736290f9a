/** One point of a training curve. */
export interface CurvePoint {
  step: number;
  loss: number;
  tokens: number;
  gradNorm: number;
  /** Each group's learning rate at this step. */
  rates: Record<string, number>;
}
