import { MllrError, createRng, type ModuleId, type NamedTensor, type RobustnessContext } from '@mllr/core';

/** How a module is changed before the probe looks at it. */
export type PerturbationKind = 'noise' | 'ift';

/** Settings of the perturbations; every number has a default (documented in the README). */
export interface PerturbationOptions {
  /** Gaussian noise with standard deviation `sigma` × the weight's RMS, so ‖noise‖ ≈ sigma·‖W‖. */
  sigma: number;
  /** Optimizer steps of benign fine-tuning on the module alone (`ift`). */
  iftSteps: number;
  iftLearningRate: number;
  iftBatchSize: number;
}

/** Defaults: ours; the paper leaves the perturbation size open. */
export const DEFAULT_PERTURBATION: PerturbationOptions = {
  sigma: 0.5,
  iftSteps: 8,
  iftLearningRate: 3e-3,
  iftBatchSize: 16,
};

/** The perturbed tensors of `modules` (jointly), for repeat `repeat`; the model itself is left unchanged. */
export async function perturbedTensors(
  kind: PerturbationKind,
  modules: readonly ModuleId[],
  tensorsOf: (module: ModuleId) => string[],
  context: RobustnessContext,
  options: PerturbationOptions,
  repeat: number,
): Promise<NamedTensor[]> {
  const names = modules.flatMap(tensorsOf);
  if (kind === 'noise') {
    const originals = await context.training.getWeights(names);
    // One seed per (run seed, repeat, module set) so scores repeat exactly and sets differ from their members.
    const rng = createRng(context.seed * 1_000_003 + repeat * 7919 + hashText(modules.join(',')));
    return originals.map((t) => addNoise(t, options.sigma, rng));
  }
  return fineTunedTensors(names, context, options, repeat);
}

async function fineTunedTensors(
  names: string[],
  context: RobustnessContext,
  options: PerturbationOptions,
  repeat: number,
): Promise<NamedTensor[]> {
  const examples = context.iftExamples ?? [];
  if (examples.length === 0)
    throw new MllrError('DATA_INVALID', 'the ift perturbation needs benign fine-tuning examples (context.iftExamples)');
  const training = context.training;
  const all = await training.getWeights(names);
  const snapshot = { modules: [], tensors: all };
  const everything = training.tensorNames();
  training.configure(
    [
      { name: 'module', tensors: names, learningRate: options.iftLearningRate, weightDecay: 0 },
      { name: 'rest', tensors: everything.filter((n) => !names.includes(n)), learningRate: 0, weightDecay: 0 },
    ].filter((g) => g.tensors.length > 0),
    { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, maxGradNorm: 1, gradientAccumulation: 1 },
  );
  const rng = createRng(context.seed * 31 + repeat);
  try {
    for (let step = 0; step < options.iftSteps; step++) {
      const batch = Array.from(
        { length: Math.min(options.iftBatchSize, examples.length) },
        () => examples[rng.int(examples.length)]!,
      );
      await training.trainStep(batch);
    }
    return await training.getWeights(names);
  } finally {
    await training.restore(snapshot);
  }
}

function addNoise(tensor: NamedTensor, sigma: number, rng: { next(): number }): NamedTensor {
  let squares = 0;
  for (const v of tensor.data) squares += v * v;
  const std = sigma * Math.sqrt(squares / Math.max(1, tensor.data.length));
  const data = new Float32Array(tensor.data.length);
  for (let i = 0; i < data.length; i++) {
    const u = Math.max(rng.next(), 1e-12);
    data[i] = tensor.data[i]! + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  }
  return { name: tensor.name, shape: tensor.shape, data };
}

function hashText(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h % 1_000_000;
}
