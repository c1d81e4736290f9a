import {
  MllrError,
  createRng,
  shuffled,
  type InferenceEngine,
  type ProbeMeasurement,
  type SecurityProbe,
  type Tokenizer,
} from '@mllr/core';
import { fitLogistic, score, type LogisticModel, type LogisticOptions } from './logistic-regression.js';
import { encodeProbePrompts, extractFeatures } from './probe-features.js';

/** How to train the security feature classifier; every number has a default. */
export interface ProbeTrainingOptions {
  harmful: readonly string[];
  benign: readonly string[];
  seed: number;
  /** A fixed layer, or `auto` (default): the layer with the best validation accuracy (ties: the deeper one). */
  layer?: number | 'auto';
  /** Share of each class held out for validation (default 0.3). */
  validationFraction?: number;
  logistic?: LogisticOptions;
  batchSize?: number;
}

/** Accuracy of a probe trained on one layer. */
export interface LayerAccuracy {
  layer: number;
  trainAccuracy: number;
  validationAccuracy: number;
  validationMargin: number;
}

/** The trained probe and what was learned choosing it. */
export interface ProbeTrainingResult {
  probe: FrozenSecurityProbe;
  /** Per-layer accuracy: which layers hold the security feature. */
  perLayer: LayerAccuracy[];
  /** The held-out prompts the frozen probe measures (label 1 = harmful), to rebuild it later. */
  validation: { prompts: string[]; labels: number[] };
}

/**
 * Trains a logistic-regression probe on the last-token hidden state of each layer (harmful = 1, benign = 0) with a
 * seeded, stratified validation split, and freezes the best layer's probe.
 */
export async function trainSecurityProbe(
  engine: InferenceEngine,
  tokenizer: Tokenizer,
  options: ProbeTrainingOptions,
): Promise<ProbeTrainingResult> {
  const { harmful, benign } = options;
  if (harmful.length < 4 || benign.length < 4) {
    throw new MllrError(
      'DATA_INVALID',
      `the security probe needs at least 4 harmful and 4 benign prompts (got ${harmful.length} and ${benign.length})`,
    );
  }
  const fraction = options.validationFraction ?? 0.3;
  const rng = createRng(options.seed);
  const split = (prompts: readonly string[]) => {
    const order = shuffled(prompts, rng);
    const held = Math.max(2, Math.round(order.length * fraction));
    return { validation: order.slice(0, held), train: order.slice(held) };
  };
  const h = split(harmful);
  const b = split(benign);
  const trainPrompts = [...h.train, ...b.train];
  const trainLabels = [...h.train.map(() => 1), ...b.train.map(() => 0)];
  const validationPrompts = [...h.validation, ...b.validation];
  const validationLabels = [...h.validation.map(() => 1), ...b.validation.map(() => 0)];

  const numLayers = engine.architecture.numLayers;
  const layers =
    options.layer === undefined || options.layer === 'auto'
      ? Array.from({ length: numLayers }, (_, l) => l)
      : [options.layer];
  if (layers.some((l) => !Number.isInteger(l) || l < 0 || l >= numLayers)) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `probe layer ${String(options.layer)} does not exist; the model has layers 0-${numLayers - 1}`,
    );
  }
  const trainSequences = encodeProbePrompts(tokenizer, trainPrompts);
  const validationSequences = encodeProbePrompts(tokenizer, validationPrompts);
  const trainFeatures = await extractFeatures(engine, trainSequences, layers, options.batchSize);
  const validationFeatures = await extractFeatures(engine, validationSequences, layers, options.batchSize);

  const perLayer: LayerAccuracy[] = [];
  const models: LogisticModel[] = [];
  layers.forEach((layer, i) => {
    const model = fitLogistic(trainFeatures[i]!, trainLabels, options.logistic);
    models.push(model);
    const onValidation = score(model, validationFeatures[i]!, validationLabels);
    perLayer.push({
      layer,
      trainAccuracy: score(model, trainFeatures[i]!, trainLabels).accuracy,
      validationAccuracy: onValidation.accuracy,
      validationMargin: onValidation.meanMargin,
    });
  });
  let best = 0;
  perLayer.forEach((r, i) => {
    if (r.validationAccuracy >= perLayer[best]!.validationAccuracy) best = i;
  });
  const layer = layers[best]!;
  const probe = new FrozenSecurityProbe(
    layer,
    models[best]!,
    validationSequences,
    validationLabels,
    options.batchSize ?? 64,
  );
  await probe.calibrate(engine);
  return { probe, perLayer, validation: { prompts: validationPrompts, labels: validationLabels } };
}

/** Rebuilds a frozen probe from its saved parts and measures the clean model again (deterministic: same numbers). */
export async function restoreSecurityProbe(
  engine: InferenceEngine,
  tokenizer: Tokenizer,
  saved: { layer: number; model: LogisticModel; prompts: readonly string[]; labels: readonly number[] },
  batchSize = 64,
): Promise<FrozenSecurityProbe> {
  const probe = new FrozenSecurityProbe(
    saved.layer,
    saved.model,
    encodeProbePrompts(tokenizer, saved.prompts),
    saved.labels,
    batchSize,
  );
  await probe.calibrate(engine);
  return probe;
}

/**
 * A frozen probe bound to its layer and its validation prompts: measuring a model re-extracts those prompts'
 * features and scores them with the unchanged classifier.
 */
export class FrozenSecurityProbe implements SecurityProbe {
  private cleanMeasurement: ProbeMeasurement | undefined;

  constructor(
    readonly layer: number,
    readonly model: LogisticModel,
    private readonly sequences: readonly number[][],
    private readonly labels: readonly number[],
    private readonly batchSize: number,
  ) {}

  /** The measurement on the model the probe was trained on. */
  get clean(): ProbeMeasurement {
    if (!this.cleanMeasurement) throw new MllrError('INTERNAL', 'the probe has not measured the clean model yet');
    return this.cleanMeasurement;
  }

  /** Records the clean measurement (done once, right after training). */
  async calibrate(engine: InferenceEngine): Promise<void> {
    this.cleanMeasurement = await this.measure(engine);
  }

  async measure(engine: InferenceEngine): Promise<ProbeMeasurement> {
    const [features] = await extractFeatures(engine, this.sequences, [this.layer], this.batchSize);
    const { accuracy, meanMargin, margins } = score(this.model, features!, this.labels);
    return {
      accuracy,
      meanMargin,
      margins,
      harmfulMean: classMean(features!, this.labels, 1),
      benignMean: classMean(features!, this.labels, 0),
    };
  }
}

function classMean(features: readonly Float32Array[], labels: readonly number[], label: number): Float32Array {
  const dim = features[0]!.length;
  const mean = new Float32Array(dim);
  let count = 0;
  features.forEach((x, i) => {
    if (labels[i] !== label) return;
    count++;
    for (let j = 0; j < dim; j++) mean[j]! += x[j]!;
  });
  for (let j = 0; j < dim; j++) mean[j]! /= Math.max(1, count);
  return mean;
}
