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
  rmsNormEps: number;
  /** Biases on q, k and v projections (qwen2). */
  qkvBias: boolean;
  tieWordEmbeddings: boolean;
  bosTokenId?: number;
  eosTokenIds: number[];
  padTokenId?: number;
}

/** A float32 tensor by Hugging Face name, row-major. */
export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}
