import {
  MllrError,
  resolveParameterGroups,
  updateLearningRates,
  type OptimizerSettings,
  type OptimizerState,
  type ParameterGroup,
} from '@mllr/core';
import { tf } from '../tf.js';
import type { DecoderWeights } from '../decoder/decoder-weights.js';

/** Per-tensor optimizer state. */
interface Moments {
  m: tf.Variable;
  v: tf.Variable;
  /** Updates applied so far (bias correction counts only the steps the tensor actually trained). */
  steps: number;
}

/**
 * AdamW with named parameter groups, each with its own learning rate and weight decay (decoupled:
 * w ← w − lr·(m̂/(√v̂+ε) + wd·w)). tfjs has neither AdamW nor groups. A group whose learning rate is 0 is skipped
 * entirely, so its weights stay bit-identical and cost no gradient computation.
 */
export class GroupedAdamW {
  private readonly groupOf: Map<string, ParameterGroup>;
  private readonly rates: Map<string, number>;
  private readonly moments = new Map<string, Moments>();

  constructor(
    private readonly weights: DecoderWeights,
    readonly groups: readonly ParameterGroup[],
    readonly settings: OptimizerSettings,
  ) {
    // A checkpoint may store a tied head as well; it is the embedding, so no group needs to name it.
    const tiedHead = (name: string) => name === 'lm_head.weight' && weights.architecture.tieWordEmbeddings;
    ({ groupOf: this.groupOf, rates: this.rates } = resolveParameterGroups(
      groups,
      weights.names(),
      settings,
      tiedHead,
    ));
  }

  /** Changes some groups' learning rates (schedules call this between steps). */
  setLearningRates(rates: Readonly<Record<string, number>>): void {
    updateLearningRates(this.rates, rates);
  }

  /** Names of the tensors that train this step (their group's learning rate is above 0). */
  trainable(): string[] {
    return [...this.groupOf.entries()].filter(([, g]) => this.rates.get(g.name)! > 0).map(([name]) => name);
  }

  /** Applies one update from gradients (already averaged and clipped). */
  apply(gradients: ReadonlyMap<string, tf.Tensor>): void {
    const { beta1, beta2, epsilon } = this.settings;
    for (const [name, gradient] of gradients) {
      const group = this.groupOf.get(name)!;
      const lr = this.rates.get(group.name)!;
      if (lr === 0) continue;
      const weight = this.weights.get(name);
      const state = this.momentsOf(name, weight);
      state.steps++;
      const correction1 = 1 - beta1 ** state.steps;
      const correction2 = 1 - beta2 ** state.steps;
      tf.tidy(() => {
        const m = tf.add(tf.mul(state.m, beta1), tf.mul(gradient, 1 - beta1));
        const v = tf.add(tf.mul(state.v, beta2), tf.mul(tf.square(gradient), 1 - beta2));
        state.m.assign(m);
        state.v.assign(v);
        const step = tf.div(tf.div(m, correction1), tf.add(tf.sqrt(tf.div(v, correction2)), epsilon));
        const decay = group.weightDecay > 0 ? tf.mul(weight, group.weightDecay) : undefined;
        weight.assign(tf.sub(weight, tf.mul(decay ? tf.add(step, decay) : step, lr)));
      });
    }
  }

  /** A copy of the moments, update counts and rates (checkpoints). */
  async exportState(): Promise<OptimizerState> {
    const tensors = [];
    for (const [name, state] of this.moments) {
      tensors.push({
        name,
        steps: state.steps,
        m: (await state.m.data()) as Float32Array,
        v: (await state.v.data()) as Float32Array,
      });
    }
    return { rates: Object.fromEntries(this.rates), tensors };
  }

  /** Replaces the state with one from {@link exportState} taken under the same groups. */
  importState(state: OptimizerState): void {
    for (const [group, rate] of Object.entries(state.rates)) {
      if (!this.rates.has(group))
        throw new MllrError('ARGUMENT_INVALID', `the optimizer state names group "${group}", which is not configured`);
      this.rates.set(group, rate);
    }
    const loaded = new Map<string, Moments>();
    try {
      for (const t of state.tensors) {
        if (!this.groupOf.has(t.name))
          throw new MllrError(
            'ARGUMENT_INVALID',
            `the optimizer state names ${t.name}, which is in no parameter group`,
          );
        const weight = this.weights.get(t.name);
        if (t.m.length !== weight.size || t.v.length !== weight.size) {
          throw new MllrError(
            'ARGUMENT_INVALID',
            `the optimizer state of ${t.name} has ${t.m.length} values; the weight has ${weight.size}`,
          );
        }
        loaded.set(t.name, {
          m: valuesVariable(t.m, weight.shape),
          v: valuesVariable(t.v, weight.shape),
          steps: t.steps,
        });
      }
    } catch (error) {
      for (const s of loaded.values()) tf.dispose([s.m, s.v]);
      throw error;
    }
    this.dispose();
    for (const [name, moments] of loaded) this.moments.set(name, moments);
  }

  dispose(): void {
    for (const s of this.moments.values()) tf.dispose([s.m, s.v]);
    this.moments.clear();
  }

  private momentsOf(name: string, weight: tf.Variable): Moments {
    let state = this.moments.get(name);
    if (!state) {
      state = { m: zerosVariable(weight), v: zerosVariable(weight), steps: 0 };
      this.moments.set(name, state);
    }
    return state;
  }
}

function zerosVariable(like: tf.Tensor): tf.Variable {
  const zeros = tf.zerosLike(like);
  const variable = tf.variable(zeros, false);
  zeros.dispose(); // the variable holds its own reference to the data
  return variable;
}

function valuesVariable(values: Float32Array, shape: number[]): tf.Variable {
  const tensor = tf.tensor(values, shape, 'float32');
  const variable = tf.variable(tensor, false);
  tensor.dispose();
  return variable;
}
