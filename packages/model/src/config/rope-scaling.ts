import type { RopeScaling } from '@mllr/core';
import { show, type ConfigFields } from './config-fields.js';

/** The `rope_scaling` kinds mllr runs exactly (besides plain RoPE, `"default"` or null). */
export const SUPPORTED_ROPE_SCALING: readonly RopeScaling['kind'][] = ['linear', 'llama3'];

// Kinds Hugging Face knows that mllr refuses, and what each would need beyond fixed inverse frequencies.
const REFUSED_WHY: Record<string, string> = {
  dynamic: 'its frequencies change with the sequence length',
  ntk: 'it rescales the RoPE base',
  yarn: 'it also scales attention',
  longrope: 'it needs per-frequency factors and an attention scale',
  su: 'it needs per-frequency factors and an attention scale',
  mrope: 'it is multimodal (sectioned) RoPE',
};

/**
 * Reads config.json `rope_scaling` (kind in `rope_type`, or the legacy `type`): undefined for plain RoPE, the
 * parameters of a supported kind, and an error naming the kind and the file for any other.
 */
export function readRopeScaling(config: ConfigFields): RopeScaling | undefined {
  const f = config.objectOr('rope_scaling');
  if (f === undefined) return undefined;
  const field = f.value('rope_type') !== undefined ? 'rope_type' : 'type';
  const kind = f.value(field);
  if (kind === undefined)
    throw f.invalid('rope_type', `is missing (supported kinds: ${SUPPORTED_ROPE_SCALING.join(', ')})`);
  if (kind === 'default') return undefined;
  if (kind === 'linear') return { kind, factor: f.positiveNumber('factor') };
  if (kind === 'llama3') {
    const lowFreqFactor = f.positiveNumber('low_freq_factor');
    const highFreqFactor = f.positiveNumber('high_freq_factor');
    // The blend between the two bands divides by their difference.
    if (highFreqFactor <= lowFreqFactor)
      throw f.invalid('high_freq_factor', `is ${highFreqFactor}, not above low_freq_factor (${lowFreqFactor})`);
    return {
      kind,
      factor: f.positiveNumber('factor'),
      lowFreqFactor,
      highFreqFactor,
      originalMaxPositionEmbeddings: f.positiveInt('original_max_position_embeddings'),
    };
  }
  const why = typeof kind === 'string' && REFUSED_WHY[kind] ? ` (${REFUSED_WHY[kind]})` : '';
  throw f.unsupported(
    field,
    `is ${show(kind)}: RoPE scaling kind ${show(kind)} is not supported${why}; mllr runs plain RoPE and ${SUPPORTED_ROPE_SCALING.join(', ')}`,
  );
}
