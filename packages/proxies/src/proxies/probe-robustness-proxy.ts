import {
  moduleTensorNames,
  type ModuleId,
  type ModuleScore,
  type ProbeMeasurement,
  type RobustnessContext,
  type RobustnessProxy,
} from '@mllr/core';
import {
  DEFAULT_PERTURBATION,
  perturbedTensors,
  type PerturbationKind,
  type PerturbationOptions,
} from './perturbation.js';

/** What a score summarises. */
export type RobustnessMeasure = 'margin' | 'drift';

/** Options of the robustness proxies. */
export interface ProxyOptions extends PerturbationOptions {
  /** Perturbations per module, each with its own seed; the score is their mean. */
  repeats: number;
}

/** Defaults of the proxies (ours: the paper does not fix them). */
export const DEFAULT_PROXY_OPTIONS: ProxyOptions = { ...DEFAULT_PERTURBATION, repeats: 3 };

/**
 * Scores modules by what the frozen probe sees after only that module changes (then restores it):
 * - `margin`: 1 − the mean absolute change of the probe's per-prompt margins relative to their clean mean size
 *   (1 = untouched; lower = the probe's decisions moved). Absolute change, because noise moves margins both ways
 *   and a signed mean would cancel out;
 * - `drift`: 1 − the shift of the harmful−benign class-mean difference relative to its clean length (the revised
 *   paper's "feature space drift").
 * Higher is more robust in both.
 */
export class ProbeRobustnessProxy implements RobustnessProxy {
  constructor(
    readonly name: string,
    private readonly perturbation: PerturbationKind,
    private readonly measure: RobustnessMeasure,
    private readonly options: ProxyOptions = DEFAULT_PROXY_OPTIONS,
  ) {}

  async score(context: RobustnessContext): Promise<ModuleScore[]> {
    const scores: ModuleScore[] = [];
    for (const [i, module] of context.modules.entries()) {
      context.throwIfStopped();
      const measurements = await measurePerturbed(context, [module], this.perturbation, this.options);
      const clean = context.probe.clean;
      const margins = measurements.map((m) => marginStability(m, clean));
      const drifts = measurements.map((m) => featureDrift(m, clean));
      const value = this.measure === 'margin' ? mean(margins) : 1 - mean(drifts);
      const score: ModuleScore = {
        module,
        score: value,
        raw: { accuracy: measurements.map((m) => m.accuracy), marginStability: margins, drift: drifts },
      };
      scores.push(score);
      context.onProgress?.(i + 1, context.modules.length, module, score);
    }
    return scores;
  }

  /** The set changed jointly by this proxy's perturbation (its `under` kind for drift), measured as margin stability. */
  async evaluateSet(context: RobustnessContext, modules: readonly ModuleId[]): Promise<number> {
    return evaluateModuleSet(context, modules, this.perturbation, this.options);
  }
}

/**
 * The probe value with a whole set of modules perturbed jointly, relative to clean (1 = unchanged): the check the
 * greedy search makes before it keeps a module.
 */
export async function evaluateModuleSet(
  context: RobustnessContext,
  modules: readonly ModuleId[],
  perturbation: PerturbationKind,
  options: ProxyOptions = DEFAULT_PROXY_OPTIONS,
): Promise<number> {
  if (modules.length === 0) return 1;
  const measurements = await measurePerturbed(context, modules, perturbation, options);
  return mean(measurements.map((m) => marginStability(m, context.probe.clean)));
}

async function measurePerturbed(
  context: RobustnessContext,
  modules: readonly ModuleId[],
  perturbation: PerturbationKind,
  options: ProxyOptions,
): Promise<ProbeMeasurement[]> {
  const qkvBias = context.inference.architecture.qkvBias;
  const tensorsOf = (m: ModuleId) => moduleTensorNames(m, { qkvBias });
  const originals = await context.training.getWeights(modules.flatMap(tensorsOf));
  const out: ProbeMeasurement[] = [];
  for (let repeat = 0; repeat < options.repeats; repeat++) {
    const changed = await perturbedTensors(perturbation, modules, tensorsOf, context, options, repeat);
    await context.inference.setWeights(changed);
    try {
      out.push(await context.probe.measure(context.inference));
    } finally {
      await context.inference.setWeights(originals);
    }
  }
  return out;
}

/** 1 − mean |margin′ − margin| / mean |margin|: 1 when the probe sees exactly what it saw on the clean model. */
export function marginStability(after: ProbeMeasurement, clean: ProbeMeasurement): number {
  let change = 0;
  let size = 0;
  clean.margins.forEach((m, i) => {
    change += Math.abs(after.margins[i]! - m);
    size += Math.abs(m);
  });
  return 1 - change / Math.max(size, 1e-12);
}

/** ‖(μh′ − μb′) − (μh − μb)‖ / ‖μh − μb‖: how far the class-mean difference moved. */
export function featureDrift(after: ProbeMeasurement, clean: ProbeMeasurement): number {
  let moved = 0;
  let length = 0;
  for (let j = 0; j < clean.harmfulMean.length; j++) {
    const before = clean.harmfulMean[j]! - clean.benignMean[j]!;
    const now = after.harmfulMean[j]! - after.benignMean[j]!;
    moved += (now - before) ** 2;
    length += before ** 2;
  }
  return Math.sqrt(moved) / Math.max(Math.sqrt(length), 1e-12);
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}
