import type {
  ModelArchitecture,
  ModuleSnapshot,
  NamedTensor,
  OptimizerSettings,
  OptimizerState,
  ParameterGroup,
  TrainExample,
  TrainStepResult,
  TrainingEngine,
} from '@mllr/core';

/**
 * A deterministic pure-JS training engine for runner tests: 4 float32 values per tensor, an Adam-like update whose
 * gradient depends on the batch, the weights and each tensor's update count, so a resume that loses any of weights,
 * moments, counts or data order gives other numbers.
 */
export class FakeTrainingEngine implements TrainingEngine {
  readonly name = 'fake';
  readonly device = 'cpu';
  /** Not a real decoder: the runner under test never reads it. */
  readonly architecture: ModelArchitecture = {
    family: 'llama',
    vocabSize: 16,
    hiddenSize: 4,
    numLayers: 1,
    numHeads: 1,
    numKvHeads: 1,
    headDim: 4,
    intermediateSize: 4,
    maxPositionEmbeddings: 16,
    ropeTheta: 10000,
    rmsNormEps: 1e-6,
    qkvBias: false,
    tieWordEmbeddings: true,
    eosTokenIds: [2],
  };
  readonly weights = new Map<string, Float32Array>();
  private rates = new Map<string, number>();
  private groupOf = new Map<string, string>();
  private moments = new Map<string, { m: Float32Array; v: Float32Array; steps: number }>();
  stepsTaken = 0;

  constructor(names: readonly string[], seed = 1) {
    names.forEach((name, i) =>
      this.weights.set(
        name,
        Float32Array.from({ length: 4 }, (_, k) => Math.sin(seed + i * 7 + k)),
      ),
    );
  }

  tensorNames(): string[] {
    return [...this.weights.keys()];
  }

  configure(groups: readonly ParameterGroup[], _settings: OptimizerSettings): void {
    this.rates = new Map(groups.map((g) => [g.name, g.learningRate]));
    this.groupOf = new Map(groups.flatMap((g) => g.tensors.map((t) => [t, g.name] as const)));
    this.moments.clear();
  }

  setLearningRates(rates: Readonly<Record<string, number>>): void {
    for (const [name, rate] of Object.entries(rates)) this.rates.set(name, rate);
  }

  async trainStep(batch: readonly TrainExample[]): Promise<TrainStepResult> {
    this.stepsTaken++;
    const signal = batch.reduce((sum, e, i) => sum + e.ids.reduce((a, id) => a + id, 0) * (i + 1), 0) % 97;
    let loss = 0;
    for (const [name, w] of this.weights) {
      const lr = this.rates.get(this.groupOf.get(name)!) ?? 0;
      if (lr === 0) continue;
      const state = this.moments.get(name) ?? { m: new Float32Array(4), v: new Float32Array(4), steps: 0 };
      this.moments.set(name, state);
      state.steps++;
      for (let k = 0; k < 4; k++) {
        const g = Math.fround(w[k]! * 0.5 + signal / 97 - 0.3);
        state.m[k] = 0.9 * state.m[k]! + 0.1 * g;
        state.v[k] = 0.999 * state.v[k]! + 0.001 * g * g;
        w[k] =
          w[k]! -
          (lr * (state.m[k]! / (1 - 0.9 ** state.steps))) /
            (Math.sqrt(state.v[k]! / (1 - 0.999 ** state.steps)) + 1e-8);
        loss += g * g;
      }
    }
    return { loss, tokens: batch.length, gradNorm: Math.sqrt(loss) };
  }

  async optimizerState(): Promise<OptimizerState> {
    const tensors = [...this.moments].map(([name, s]) => ({ name, steps: s.steps, m: s.m.slice(), v: s.v.slice() }));
    return { rates: Object.fromEntries(this.rates), tensors };
  }

  async loadOptimizerState(state: OptimizerState): Promise<void> {
    this.rates = new Map(Object.entries(state.rates));
    this.moments = new Map(state.tensors.map((t) => [t.name, { m: t.m.slice(), v: t.v.slice(), steps: t.steps }]));
  }

  async getWeights(names: readonly string[]): Promise<NamedTensor[]> {
    return names.map((name) => ({ name, shape: [4], data: this.weights.get(name)!.slice() }));
  }

  async setWeights(tensors: readonly NamedTensor[]): Promise<void> {
    for (const t of tensors) this.weights.set(t.name, t.data.slice());
  }

  async snapshot(): Promise<ModuleSnapshot> {
    return { modules: [], tensors: [] };
  }

  async restore(): Promise<void> {}

  async save(): Promise<void> {}

  async dispose(): Promise<void> {}
}
