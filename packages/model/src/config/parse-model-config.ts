import { MllrError, type ModelArchitecture, type ModelFamily } from '@mllr/core';
import { isJsonObject } from '../files/read-json-file.js';
import { ConfigFields, show } from './config-fields.js';
import { readRopeScaling } from './rope-scaling.js';

/** The config.json `model_type` values mllr understands; they share one decoder layout. */
export const SUPPORTED_MODEL_TYPES: readonly ModelFamily[] = ['llama', 'qwen2', 'mistral'];

/**
 * Normalises a Hugging Face config.json (llama, qwen2 or mistral) into a ModelArchitecture. Anything this code
 * cannot run exactly is refused with an error naming `file` and the field, rather than silently approximated.
 */
export function parseModelConfig(json: unknown, file: string): ModelArchitecture {
  if (!isJsonObject(json))
    throw new MllrError('CHECKPOINT_INVALID', `${file}: expected a JSON object, got ${show(json)}`);
  const f = new ConfigFields(json, file);
  const family = readFamily(f);
  refuseUnsupportedFeatures(f);
  if (family !== 'qwen2' && f.booleanOr('attention_bias', false)) {
    // In llama this also puts a bias on o_proj, which the module map and engines do not carry.
    throw f.unsupported(
      'attention_bias',
      'is true (biases on q, k, v and o projections); only qwen2-style q/k/v biases are supported',
    );
  }

  const hiddenSize = f.positiveInt('hidden_size');
  const numHeads = f.positiveInt('num_attention_heads');
  const numKvHeads = f.positiveIntOr('num_key_value_heads', numHeads);
  if (numHeads % numKvHeads !== 0) {
    throw f.invalid('num_key_value_heads', `is ${numKvHeads}, which does not divide num_attention_heads (${numHeads})`);
  }
  if (f.value('head_dim') === undefined && hiddenSize % numHeads !== 0) {
    throw f.invalid(
      'hidden_size',
      `is ${hiddenSize}, not a multiple of num_attention_heads (${numHeads}); set head_dim explicitly`,
    );
  }
  const headDim = f.positiveIntOr('head_dim', hiddenSize / numHeads);
  const vocabSize = f.positiveInt('vocab_size');

  const arch: ModelArchitecture = {
    family,
    vocabSize,
    hiddenSize,
    numLayers: f.positiveInt('num_hidden_layers'),
    numHeads,
    numKvHeads,
    headDim,
    intermediateSize: f.positiveInt('intermediate_size'),
    maxPositionEmbeddings: contextLength(f, family),
    ropeTheta: f.positiveNumberOr('rope_theta', 10000),
    rmsNormEps: f.positiveNumberOr('rms_norm_eps', 1e-6),
    // qwen2 always has q/k/v biases (its config has no switch); llama's attention_bias is refused above.
    qkvBias: family === 'qwen2',
    tieWordEmbeddings: f.booleanOr('tie_word_embeddings', false),
    eosTokenIds: f.tokenIds('eos_token_id', vocabSize),
  };
  const ropeScaling = readRopeScaling(f);
  if (ropeScaling) arch.ropeScaling = ropeScaling;
  const bos = f.tokenId('bos_token_id', vocabSize);
  if (bos !== undefined) arch.bosTokenId = bos;
  const pad = f.tokenId('pad_token_id', vocabSize);
  if (pad !== undefined) arch.padTokenId = pad;
  return arch;
}

function readFamily(f: ConfigFields): ModelFamily {
  const type = f.value('model_type');
  if (type === undefined) throw f.invalid('model_type', `is missing (supported: ${SUPPORTED_MODEL_TYPES.join(', ')})`);
  if (typeof type !== 'string' || !(SUPPORTED_MODEL_TYPES as readonly string[]).includes(type)) {
    throw f.unsupported('model_type', `is ${show(type)}; supported model types: ${SUPPORTED_MODEL_TYPES.join(', ')}`);
  }
  return type as ModelFamily;
}

function refuseUnsupportedFeatures(f: ConfigFields): void {
  const act = f.value('hidden_act');
  if (act !== undefined && act !== 'silu')
    throw f.unsupported('hidden_act', `is ${show(act)}; only "silu" (SwiGLU) is supported`);
  if (f.booleanOr('mlp_bias', false))
    throw f.unsupported('mlp_bias', 'is true; MLP projections with biases are not supported');
  if (f.value('quantization_config') !== undefined) {
    throw f.unsupported(
      'quantization_config',
      'is set; quantized checkpoints are not supported (use the float weights)',
    );
  }
}

/**
 * The context length. With a sliding window (mistral; qwen2 with use_sliding_window) smaller than
 * max_position_embeddings, the context is capped at the window: within it, full causal attention is exactly
 * sliding-window attention, so the model runs unchanged without implementing the window.
 */
function contextLength(f: ConfigFields, family: ModelFamily): number {
  const max = f.positiveIntOr('max_position_embeddings', 2048);
  const windowApplies = family === 'mistral' || (family === 'qwen2' && f.booleanOr('use_sliding_window', false));
  if (!windowApplies) return max;
  const window = f.value('sliding_window');
  if (window === undefined) return max;
  const size = f.positiveIntOr('sliding_window', max);
  return Math.min(size, max);
}
