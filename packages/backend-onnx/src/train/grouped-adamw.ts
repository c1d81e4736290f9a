import {
  MllrError,
  resolveParameterGroups,
  updateLearningRates,
  type OptimizerSettings,
  type OptimizerState,
  type ParameterGroup,
} from '@mllr/core';
import { adamwUpdate } from './adamw-kernel.js';

/** Per-tensor optimizer state. */
interface Moments {
  m: Float32Array;
  v: Float32Array;
  /** Updates applied so far (bias correction counts only the steps the tensor actually trained). */
  steps: number;
}

const f32 = Math.fround;

/**
 * AdamW with named parameter groups over weights held as Float32Arrays, updated in place:
 * w ← w − lr·(m̂/(√v̂+ε) + wd·w), decay decoupled from the gradient, bias correction per tensor. Each operation is
 * rounded to float32 in the order the tfjs engine's GroupedAdamW runs its float32 ops (scalars rounded to float32 as
 * tfjs does), so both engines take the same step from the same gradients; the loop itself is a WebAssembly SIMD
 * kernel (adamw-kernel.ts), one pass per tensor. A group whose learning rate is 0 is skipped: its weights stay
 * bit-identical and it gets no moments.
 */
export class GroupedAdamW {
  private readonly groupOf: Map<string, ParameterGroup>;
  private readonly rates: Map<string, number>;
  private readonly moments = new Map<string, Moments>();

  constructor(
    private readonly weights: ReadonlyMap<string, Float32Array>,
    readonly groups: readonly ParameterGroup[],
    readonly settings: OptimizerSettings,
  ) {
    ({ groupOf: this.groupOf, rates: this.rates } = resolveParameterGroups(groups, [...weights.keys()], settings));
  }

  /** Changes some groups' learning rates (schedules call this between steps). */
  setLearningRates(rates: Readonly<Record<string, number>>): void {
    updateLearningRates(this.rates, rates);
  }

  /** Names of the tensors that train this step (their group's learning rate is above 0), in the weights' order. */
  trainable(): string[] {
    return [...this.weights.keys()].filter((name) => this.rates.get(this.groupOf.get(name)!.name)! > 0);
  }

  /**
   * One update from summed gradients: each gradient is first multiplied by `scale` (1/tokens times the clip
   * factor, rounded to float32 like the tfjs engine's scalar), then AdamW runs in one pass over the tensor.
   */
  apply(gradients: ReadonlyMap<string, Float32Array>, scale: number): void {
    const { beta1, beta2, epsilon } = this.settings;
    const shared = {
      scale: f32(scale),
      beta1: f32(beta1),
      oneMinusBeta1: f32(1 - beta1),
      beta2: f32(beta2),
      oneMinusBeta2: f32(1 - beta2),
      epsilon: f32(epsilon),
    };
    for (const [name, gradient] of gradients) {
      const group = this.groupOf.get(name)!;
      const rate = this.rates.get(group.name)!;
      if (rate === 0) continue;
      const w = this.weights.get(name)!;
      const state = this.momentsOf(name, w.length);
      state.steps++;
      adamwUpdate(w, state.m, state.v, gradient, {
        ...shared,
        correction1: f32(1 - beta1 ** state.steps),
        correction2: f32(1 - beta2 ** state.steps),
        learningRate: f32(rate),
        weightDecay: f32(group.weightDecay),
      });
    }
  }

  /** A copy of the moments, update counts and rates (checkpoints). */
  exportState(): OptimizerState {
    const tensors = [...this.moments].map(([name, s]) => ({ name, steps: s.steps, m: s.m.slice(), v: s.v.slice() }));
    return { rates: Object.fromEntries(this.rates), tensors };
  }

  /** Replaces the state with a copy of one from {@link exportState} taken under the same groups. */
  importState(state: OptimizerState): void {
    for (const group of Object.keys(state.rates)) {
      if (!this.rates.has(group))
        throw new MllrError('ARGUMENT_INVALID', `the optimizer state names group "${group}", which is not configured`);
    }
    const loaded = new Map<string, Moments>();
    for (const t of state.tensors) {
      if (!this.groupOf.has(t.name))
        throw new MllrError('ARGUMENT_INVALID', `the optimizer state names ${t.name}, which is in no parameter group`);
      const size = this.weights.get(t.name)!.length;
      if (t.m.length !== size || t.v.length !== size) {
        throw new MllrError(
          'ARGUMENT_INVALID',
          `the optimizer state of ${t.name} has ${t.m.length} values; the weight has ${size}`,
        );
      }
      if (!Number.isInteger(t.steps) || t.steps < 0)
        throw new MllrError('ARGUMENT_INVALID', `the optimizer state of ${t.name} has ${t.steps} steps`);
      loaded.set(t.name, { m: Float32Array.from(t.m), v: Float32Array.from(t.v), steps: t.steps });
    }
    for (const [group, rate] of Object.entries(state.rates)) this.rates.set(group, rate);
    this.moments.clear();
    for (const [name, moments] of loaded) this.moments.set(name, moments);
  }

  private momentsOf(name: string, size: number): Moments {
    let state = this.moments.get(name);
    if (!state) {
      state = { m: new Float32Array(size), v: new Float32Array(size), steps: 0 };
      this.moments.set(name, state);
    }
    return state;
  }
}
