import type { ModelArchitecture } from '@mllr/core';

/** The middle value (mean of the two middle values for an even count); NaN for no values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** a / b, or null when either side is missing or b is not positive (a ratio that cannot be measured). */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || !(b > 0) || !Number.isFinite(a)) return null;
  return a / b;
}

/** Weights that take part in matrix products per token: every projection of every layer, and the head. */
export function matmulParameters(arch: ModelArchitecture): number {
  const { hiddenSize: d, numHeads, numKvHeads, headDim, intermediateSize, numLayers, vocabSize } = arch;
  const attention = d * numHeads * headDim * 2 + d * numKvHeads * headDim * 2;
  const mlp = 3 * d * intermediateSize;
  return numLayers * (attention + mlp) + vocabSize * d;
}

/**
 * Forward FLOPs of one token that attends to `context` keys: 2 per multiply-add of every projection and the head,
 * plus q·kᵀ and p·v (2·2·context·heads·headDim per layer). Norms, softmax and the like are left out: they are
 * small, and a MatMul ceiling does not count them either.
 */
export function forwardFlopsPerToken(arch: ModelArchitecture, context: number): number {
  return 2 * matmulParameters(arch) + arch.numLayers * 4 * context * arch.numHeads * arch.headDim;
}

/** Training FLOPs per token: forward plus backward, counted as three forwards (the usual rule). */
export function trainFlopsPerToken(arch: ModelArchitecture, context: number): number {
  return 3 * forwardFlopsPerToken(arch, context);
}

/**
 * FLOPs of generation per new token: the prompt's forward (each of its tokens attending to the whole prompt, as the
 * engines compute it) plus one single-token forward per new token at its growing context, divided by the new tokens.
 */
export function generateFlopsPerNewToken(arch: ModelArchitecture, promptLength: number, newTokens: number): number {
  let total = promptLength * forwardFlopsPerToken(arch, promptLength);
  for (let i = 0; i < newTokens; i++) total += forwardFlopsPerToken(arch, promptLength + i + 1);
  return total / newTokens;
}
