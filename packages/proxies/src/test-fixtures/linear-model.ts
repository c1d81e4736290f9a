import {
  MODULE_TYPES,
  moduleTensorNames,
  type ChatMessage,
  type InferenceEngine,
  type ModelArchitecture,
  type ModuleId,
  type NamedTensor,
  type Tokenizer,
  type TrainingEngine,
} from '@mllr/core';

const DIM = 4;

/**
 * A stand-in model whose features are linear in its module weights: prompt i has an input vector e_i, and layer l
 * outputs h_l = h_{l-1} + Σ_{modules m of layer l} W_m e_i. Module m's weight is `scale(m)`·I, so larger modules move
 * the features more when perturbed — a known robustness order for the tests to find.
 */
export class LinearModel {
  readonly architecture: ModelArchitecture = {
    family: 'llama',
    vocabSize: 1000,
    hiddenSize: DIM,
    numLayers: 2,
    numHeads: 1,
    numKvHeads: 1,
    headDim: DIM,
    intermediateSize: DIM,
    maxPositionEmbeddings: 64,
    ropeTheta: 10000,
    rmsNormEps: 1e-6,
    qkvBias: false,
    tieWordEmbeddings: true,
    eosTokenIds: [2],
  };
  readonly weights = new Map<string, NamedTensor>();
  private readonly inputs: Float32Array[] = [];
  private readonly ids = new Map<string, number>();

  constructor(prompts: Array<{ text: string; harmful: boolean }>, scale: (module: ModuleId) => number) {
    for (let layer = 0; layer < 2; layer++) {
      for (const type of MODULE_TYPES) {
        const id = `L${layer}.${type}` as ModuleId;
        const [name] = moduleTensorNames(id);
        const data = new Float32Array(DIM * DIM);
        for (let j = 0; j < DIM; j++) data[j * DIM + j] = scale(id);
        this.weights.set(name!, { name: name!, shape: [DIM, DIM], data });
      }
    }
    prompts.forEach((p, i) => {
      this.ids.set(p.text, i);
      // Class direction on the first axis, prompt-specific wobble on the others.
      this.inputs.push(
        Float32Array.from([p.harmful ? 1 : -1, Math.sin(i), Math.cos(i * 1.3), 0.5 * Math.sin(i * 2.1)]),
      );
    });
  }

  tokenizer(): Tokenizer {
    return {
      vocabSize: 1000,
      eosTokenIds: [2],
      encode: (text: string) => [this.ids.get(text) ?? -1],
      decode: () => '',
      applyChatTemplate: (messages: readonly ChatMessage[]) => messages[0]!.content,
    };
  }

  engine(): InferenceEngine & TrainingEngine & { tensorNames(): string[] } {
    const weights = this.weights;
    const read = (names: readonly string[]) =>
      names.map((n) => ({ ...weights.get(n)!, data: Float32Array.from(weights.get(n)!.data) }));
    const write = (tensors: readonly NamedTensor[]) =>
      tensors.forEach((t) => weights.set(t.name, { ...t, data: Float32Array.from(t.data) }));
    return {
      name: 'linear',
      device: 'test',
      architecture: this.architecture,
      tensorNames: () => [...weights.keys()],
      logits: async () => ({ vocabSize: 1000, data: [] }),
      lastTokenHiddenStates: async (batch, layers) => ({
        hiddenSize: DIM,
        layers: (layers ?? [0, 1]).map((l) => batch.sequences.map((seq) => this.features(seq[0]!, l))),
      }),
      generate: async () => [],
      setWeights: async (tensors) => write(tensors),
      getWeights: async (names) => read(names),
      snapshot: async (modules) => ({
        modules: [...modules],
        tensors: read(modules.flatMap((m) => moduleTensorNames(m))),
      }),
      restore: async (snapshot) => write(snapshot.tensors),
      configure: () => undefined,
      setLearningRates: () => undefined,
      trainStep: async () => ({ loss: 0, tokens: 0, gradNorm: 0 }),
      save: async () => undefined,
      dispose: async () => undefined,
    };
  }

  private features(promptId: number, layer: number): Float32Array {
    const e = this.inputs[promptId]!;
    const h = new Float32Array(DIM);
    for (let l = 0; l <= layer; l++) {
      for (const type of MODULE_TYPES) {
        const w = this.weights.get(moduleTensorNames(`L${l}.${type}`)[0]!)!.data;
        for (let r = 0; r < DIM; r++) for (let c = 0; c < DIM; c++) h[r]! += w[r * DIM + c]! * e[c]!;
      }
    }
    return h;
  }
}

/** 24 harmful and 24 benign prompt texts. */
export function probePrompts(): Array<{ text: string; harmful: boolean }> {
  return Array.from({ length: 48 }, (_, i) => ({ text: `prompt ${i}`, harmful: i % 2 === 0 }));
}
