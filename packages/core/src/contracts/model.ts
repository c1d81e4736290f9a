/** The decoder families whose Hugging Face config.json mllr understands. */
export type ModelFamily = 'llama' | 'qwen2' | 'mistral';

/** The architecture of a decoder-only model, normalised from config.json. */
export interface ModelArchitecture {
  family: ModelFamily;
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  /** Key/value heads; fewer than `numHeads` means grouped-query attention. */
  numKvHeads: number;
  headDim: number;
  intermediateSize: number;
  maxPositionEmbeddings: number;
  ropeTheta: number;
  /** How the rotary inverse frequencies are rescaled (config.json `rope_scaling`); absent for plain RoPE. */
  ropeScaling?: RopeScaling;
  rmsNormEps: number;
  /** Biases on q, k and v projections (qwen2). */
  qkvBias: boolean;
  tieWordEmbeddings: boolean;
  bosTokenId?: number;
  eosTokenIds: number[];
  padTokenId?: number;
}

/**
 * RoPE scaling kinds mllr runs exactly (Hugging Face `rope_type`): `linear` divides every inverse frequency by
 * `factor`; `llama3` (Llama 3.1+) divides the low frequencies (wavelength above originalMaxPositionEmbeddings /
 * lowFreqFactor) by `factor`, keeps the high ones (below originalMaxPositionEmbeddings / highFreqFactor) and blends
 * linearly between them.
 */
export type RopeScaling =
  | { kind: 'linear'; factor: number }
  | {
      kind: 'llama3';
      factor: number;
      lowFreqFactor: number;
      highFreqFactor: number;
      originalMaxPositionEmbeddings: number;
    };

/** A float32 tensor by Hugging Face name, row-major. */
export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}
