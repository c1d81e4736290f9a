// One row of the scaling table: a randomly initialised model of one shape, and the units of the default pipeline
// measured on it with the engines and code paths the stages use. Runs in its own process (scaling.ts forks one per
// shape) so that each shape's peak memory is its own: the tfjs wasm heap never shrinks.
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { allModuleIds, createRng, type TrainExample, type TrainingEngine } from '@mllr/core';
import { generateWorld, toTrainExample } from '@mllr/data';
import { generateResponses } from '@mllr/eval';
import { architectureToConfig, initialTensors, loadTokenizer, parameterCount, saveCheckpoint } from '@mllr/model';
import { REFERENCE_SHAPE, loadEngineProvider, syntheticSequences, timeRuns, type TimedRuns } from '@mllr/pipeline';
import { createProxy, trainSecurityProbe } from '@mllr/proxies';
import { TINY_CHAT_DIR } from '@mllr/tiny-chat';
import { scalingArchitecture, shapeLabel, type ScalingShape } from './scaling-estimate.js';

/** How one shape is measured. */
export interface ShapeOptions {
  shape: ScalingShape;
  warmup: number;
  repeats: number;
  /** Timed runs of the evaluation generation (after a one-batch warm-up); it is the costliest unit. */
  evalRepeats: number;
  /** Measure the 16 × 128 reference training step too (minutes per step at the largest shapes). */
  referenceStep: boolean;
  /** Worker processes the pipeline would use: each worker's ONNX engine gets cores / workers threads. */
  workers: number;
  /** The run seed and world seed of the default config. */
  seed: number;
  progress: (line: string) => void;
}

/** What one shape measured; times in seconds, memory in MiB. */
export interface ShapeResult {
  shape: string;
  layers: number;
  d_model: number;
  heads: number;
  intermediate: number;
  vocab_size: number;
  parameters: number;
  tfjs_device: string;
  /** Token length of the default IFT batch (the longest of its 16 examples: the batch is padded to it). */
  ift_batch_tokens: number;
  tfjs_open_s: number;
  train_ift: TimedRuns;
  train_reference: TimedRuns | null;
  onnx_threads: { main: number; worker: number };
  onnx_open_s: number;
  proxy_s: number;
  /** Extracting the probe's features on an unchanged engine (no session rebuild). */
  probe_features: TimedRuns;
  /** One robustness measurement (repeats 1 of the noise proxy): perturb, rebuild the session, extract, restore. */
  probe_unit: TimedRuns;
  eval_prompts: number;
  eval_generation: TimedRuns;
  /** Peak resident memory after the IFT-batch steps, after the reference steps too, and at the end (ONNX work). */
  rss_after_ift_steps_mib: number;
  rss_after_training_mib: number;
  peak_rss_mib: number;
}

const MIB = 2 ** 20;

/** Measures every unit of the default pipeline on a fresh random model of `options.shape`. */
export async function measureShape(options: ShapeOptions): Promise<ShapeResult> {
  const { shape, warmup, repeats, seed } = options;
  const say = (line: string) => options.progress(`${shapeLabel(shape)}: ${line}`);
  const tokenizer = await loadTokenizer(TINY_CHAT_DIR);
  const world = generateWorld({ seed });
  const arch = scalingArchitecture(shape, tokenizer.vocabSize);
  const dir = await mkdtemp(join(tmpdir(), `mllr-scaling-${shapeLabel(shape)}-`));
  try {
    const tensors = initialTensors(arch, seed);
    await saveCheckpoint(dir, { config: architectureToConfig(arch), tensors, copyFrom: TINY_CHAT_DIR });
    const tensorNames = [...tensors.keys()];
    tensors.clear();

    // Training: the tfjs engine the ift stage uses, with the default config's optimizer.
    const tfjs = await loadEngineProvider({ name: 'tfjs', options: {} });
    let started = performance.now();
    const trainer = await tfjs.openTraining!(dir);
    const tfjsOpenS = seconds(started);
    const tfjsDevice = trainer.device;
    const iftBatch = defaultIftBatch(world, tokenizer, seed);
    let trainIft: TimedRuns;
    let trainReference: TimedRuns | null = null;
    let rssAfterIft: number;
    try {
      configureDefault(trainer, tensorNames);
      say(`train step, IFT batch 16 × ${longest(iftBatch)} tokens`);
      trainIft = await timeRuns(() => trainer.trainStep(iftBatch), warmup, repeats);
      rssAfterIft = peakRssMib();
      if (options.referenceStep) {
        const { batch, sequence } = REFERENCE_SHAPE;
        say(`train step, reference ${batch} × ${sequence} tokens`);
        const reference = syntheticSequences(batch, sequence, arch.vocabSize).map((ids) => ({ ids, promptLength: 1 }));
        trainReference = await timeRuns(() => trainer.trainStep(reference), warmup, repeats);
      }
    } finally {
      await trainer.dispose();
    }
    const rssAfterTraining = peakRssMib();

    // The proxy and eval stages run in the stage's own process, with every core; the robustness workers share them.
    const cores = availableParallelism();
    const threads = {
      main: cores,
      worker: Math.max(1, Math.floor(cores / Math.max(1, Math.min(options.workers, 7 * shape.layers)))),
    };
    const onnx = await loadEngineProvider({ name: 'onnx', options: {} });
    say(`onnx open (${threads.main} threads), proxy stage, eval generation`);
    started = performance.now();
    const main = await onnx.openInference(dir, { threads: threads.main });
    const onnxOpenS = seconds(started);
    let proxyS: number;
    let probe: Awaited<ReturnType<typeof trainSecurityProbe>>['probe'];
    let evalGeneration: TimedRuns;
    const evalPrompts = [
      ...world.eval.harmful,
      ...world.eval.benign,
      ...world.eval.usability,
      ...world.eval.expertise,
    ].map((s) => s.prompt);
    try {
      started = performance.now();
      probe = (
        await trainSecurityProbe(main, tokenizer, { harmful: world.probe.harmful, benign: world.probe.benign, seed })
      ).probe;
      proxyS = seconds(started);
      // The eval stage's call: length-sorted batches of 32, at most 16 new tokens, stopping at the end-of-turn token.
      const generate = (prompts: string[]) =>
        generateResponses(main, tokenizer, prompts, { maxNewTokens: 16, batchSize: 32 });
      await generate(evalPrompts.slice(0, 32));
      evalGeneration = await timeRuns(() => generate(evalPrompts), 0, options.evalRepeats);
    } finally {
      await main.dispose();
    }

    // The robustness stage's unit, as one worker runs it: tfjs holds the weights it perturbs, ONNX measures.
    say(`probe unit (${threads.worker} ONNX thread${threads.worker === 1 ? '' : 's'})`);
    const worker = await onnx.openInference(dir, { threads: threads.worker });
    const source = await tfjs.openTraining!(dir);
    let probeFeatures: TimedRuns;
    let probeUnit: TimedRuns;
    try {
      await probe.calibrate(worker);
      probeFeatures = await timeRuns(() => probe.measure(worker), warmup, repeats);
      const proxy = createProxy('noise', { repeats: 1 });
      // Each run perturbs another module type, so the median covers attention and MLP matrices alike.
      const modules = allModuleIds(shape.layers);
      let next = 0;
      probeUnit = await timeRuns(
        () =>
          proxy.score({
            modules: [modules[next++ % modules.length]!],
            probe,
            inference: worker,
            training: source,
            seed,
            throwIfStopped: () => {},
          }),
        warmup,
        repeats,
      );
    } finally {
      await Promise.all([worker.dispose(), source.dispose()]);
    }

    return {
      shape: shapeLabel(shape),
      layers: shape.layers,
      d_model: shape.dModel,
      heads: arch.numHeads,
      intermediate: arch.intermediateSize,
      vocab_size: arch.vocabSize,
      parameters: parameterCount(arch),
      tfjs_device: tfjsDevice,
      ift_batch_tokens: longest(iftBatch),
      tfjs_open_s: tfjsOpenS,
      train_ift: trainIft,
      train_reference: trainReference,
      onnx_threads: threads,
      onnx_open_s: onnxOpenS,
      proxy_s: proxyS,
      probe_features: probeFeatures,
      probe_unit: probeUnit,
      eval_prompts: evalPrompts.length,
      eval_generation: evalGeneration,
      rss_after_ift_steps_mib: rssAfterIft,
      rss_after_training_mib: rssAfterTraining,
      peak_rss_mib: peakRssMib(),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** 16 seeded examples of the world's fine-tuning data: what one step of the ift stage trains on. */
function defaultIftBatch(
  world: ReturnType<typeof generateWorld>,
  tokenizer: Parameters<typeof toTrainExample>[1],
  seed: number,
): TrainExample[] {
  const rng = createRng(seed);
  const examples = world.ift.train;
  return Array.from({ length: 16 }, () => toTrainExample(examples[rng.int(examples.length)]!, tokenizer));
}

/** The default config's optimizer (training section of packages/pipeline/configs/default.yaml), on every weight. */
function configureDefault(engine: TrainingEngine, tensors: string[]): void {
  engine.configure([{ name: 'all', tensors, learningRate: 0.002, weightDecay: 0 }], {
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-8,
    maxGradNorm: 1,
    gradientAccumulation: 1,
  });
}

function longest(batch: readonly TrainExample[]): number {
  return Math.max(...batch.map((e) => e.ids.length));
}

function seconds(started: number): number {
  return (performance.now() - started) / 1000;
}

/** The process's peak resident memory so far (maxRSS is in KiB). */
function peakRssMib(): number {
  return (process.resourceUsage().maxRSS * 1024) / MIB;
}
