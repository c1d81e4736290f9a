import { MllrError } from '@mllr/core';
import { parseModelConfig } from '@mllr/model';

/** Sizes that replace a real config's to make a smaller model of the same architecture; absent keeps the real one. */
export interface SizeOverrides {
  layers?: number;
  hidden?: number;
  intermediate?: number;
  heads?: number;
  kvHeads?: number;
}

/**
 * The config.json of a random-weight model made from a real one: the real config with the sizes overridden (the
 * vocabulary always stays, so the real tokenizer's ids fit) and `torch_dtype` float32, because the weights are F32.
 * Unset sizes follow the real model: heads and key/value heads stay when they still divide, and the MLP keeps its
 * ratio to the hidden size when only `hidden` shrinks. Anything inconsistent is ARGUMENT_INVALID naming the option.
 */
export function randomModelConfig(
  source: Record<string, unknown>,
  sizes: SizeOverrides,
  file: string,
): Record<string, unknown> {
  const real = parseModelConfig(source, file);
  const hidden = sizes.hidden ?? real.hiddenSize;
  const heads = sizes.heads ?? real.numHeads;
  const kvHeads = sizes.kvHeads ?? real.numKvHeads;
  const bad = (why: string) => new MllrError('ARGUMENT_INVALID', `${file}: ${why}`);
  if (hidden % heads !== 0) {
    const given =
      sizes.heads === undefined ? `the ${heads} attention heads of the real model (pass --heads)` : `--heads ${heads}`;
    throw bad(`hidden size ${hidden} is not a multiple of ${given}`);
  }
  if (heads % kvHeads !== 0) {
    const given =
      sizes.kvHeads === undefined
        ? `the real model's ${kvHeads} key/value heads (pass --kv-heads)`
        : `--kv-heads ${kvHeads}`;
    throw bad(`${heads} attention heads are not a multiple of ${given}`);
  }
  const intermediate =
    sizes.intermediate ??
    (sizes.hidden === undefined
      ? real.intermediateSize
      : Math.max(1, Math.round((real.intermediateSize * hidden) / real.hiddenSize)));

  const config: Record<string, unknown> = {
    ...source,
    hidden_size: hidden,
    intermediate_size: intermediate,
    num_hidden_layers: sizes.layers ?? real.numLayers,
    num_attention_heads: heads,
    num_key_value_heads: kvHeads,
    torch_dtype: 'float32',
  };
  // An explicit head_dim only stays right while neither the width nor the head count changes.
  if (
    source['head_dim'] !== undefined &&
    source['head_dim'] !== null &&
    (sizes.hidden !== undefined || sizes.heads !== undefined)
  ) {
    config['head_dim'] = hidden / heads;
  }
  parseModelConfig(config, `${file} with the sizes given`);
  return config;
}
