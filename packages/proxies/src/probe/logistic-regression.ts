import { MllrError } from '@mllr/core';

/** A trained binary logistic regression over standardised features. */
export interface LogisticModel {
  weights: Float64Array;
  bias: number;
  /** Per-feature mean and standard deviation of the training features (standardisation). */
  mean: Float64Array;
  std: Float64Array;
}

/** Training settings; all have defaults. */
export interface LogisticOptions {
  /** L2 penalty on the weights. */
  l2?: number;
  /** Full-batch gradient steps. */
  iterations?: number;
  learningRate?: number;
}

/**
 * Fits p(harmful | x) = σ(w·z + b) on standardised features z by full-batch gradient descent with an L2 penalty.
 * Deterministic (no sampling), which keeps the probe, and every score measured with it, reproducible.
 */
export function fitLogistic(
  features: readonly Float32Array[],
  labels: readonly number[],
  options: LogisticOptions = {},
): LogisticModel {
  const l2 = options.l2 ?? 1e-3;
  const iterations = options.iterations ?? 1000;
  const rate = options.learningRate ?? 0.5;
  const n = features.length;
  const d = features[0]?.length ?? 0;
  if (n === 0 || labels.length !== n)
    throw new MllrError(
      'ARGUMENT_INVALID',
      `logistic regression needs as many labels as feature rows (${labels.length} vs ${n})`,
    );
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (const x of features) for (let j = 0; j < d; j++) mean[j]! += x[j]! / n;
  for (const x of features) for (let j = 0; j < d; j++) std[j]! += (x[j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]!) || 1;
  const z = features.map((x) => Float64Array.from(x, (v, j) => (v - mean[j]!) / std[j]!));
  const weights = new Float64Array(d);
  let bias = 0;
  const gradient = new Float64Array(d);
  for (let it = 0; it < iterations; it++) {
    gradient.fill(0);
    let gradientBias = 0;
    for (let i = 0; i < n; i++) {
      const error = sigmoid(dot(weights, z[i]!) + bias) - labels[i]!;
      for (let j = 0; j < d; j++) gradient[j]! += (error * z[i]![j]!) / n;
      gradientBias += error / n;
    }
    for (let j = 0; j < d; j++) weights[j]! -= rate * (gradient[j]! + l2 * weights[j]!);
    bias -= rate * gradientBias;
  }
  return { weights, bias, mean, std };
}

/** The logit w·z + b of one feature vector. */
export function logit(model: LogisticModel, x: Float32Array): number {
  let sum = model.bias;
  for (let j = 0; j < model.weights.length; j++) sum += (model.weights[j]! * (x[j]! - model.mean[j]!)) / model.std[j]!;
  return sum;
}

/** Accuracy and signed margins (the logit, positive on the correct side) over labelled features. */
export function score(
  model: LogisticModel,
  features: readonly Float32Array[],
  labels: readonly number[],
): { accuracy: number; meanMargin: number; margins: number[] } {
  const margins = features.map((x, i) => (labels[i] === 1 ? 1 : -1) * logit(model, x));
  return {
    accuracy: margins.filter((m) => m > 0).length / features.length,
    meanMargin: margins.reduce((a, b) => a + b, 0) / features.length,
    margins,
  };
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
