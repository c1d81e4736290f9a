import { createRng, type GenerateOptions } from '@mllr/core';
import { tf } from '../tf.js';
import { decoderForward, type KvCache } from '../decoder/forward.js';
import type { DecoderWeights } from '../decoder/decoder-weights.js';
import { padBatch } from '../decoder/padded-batch.js';
import type { RopeTables } from '../decoder/rope.js';
import { chooseToken } from '@mllr/core';

/**
 * Continues each prompt with a KV cache: one forward over the left-padded prompts, then one single-token forward
 * per step that reuses earlier keys and values. A sequence ends at a stop token (kept in its output) or at
 * `maxNewTokens`; generation also stops where the model's context ends. Returns only the new ids.
 */
export async function generateTokens(
  weights: DecoderWeights,
  rope: RopeTables,
  prompts: readonly (readonly number[])[],
  options: GenerateOptions,
): Promise<number[][]> {
  const arch = weights.architecture;
  const stop = new Set(options.stopTokenIds ?? arch.eosTokenIds);
  const padId = arch.padTokenId ?? arch.eosTokenIds[0] ?? 0;
  const rng = createRng(options.seed ?? 0);
  const batch = padBatch(prompts, padId, 'left', arch);
  const outputs: number[][] = prompts.map(() => []);
  const done = prompts.map(() => options.maxNewTokens <= 0);
  const room = arch.maxPositionEmbeddings - batch.width;

  let cache: KvCache | undefined;
  let keyMask = batch.keyMask;
  let nextPositions = batch.lengths.slice();
  const prefill = tf.tidy(() => {
    const out = decoderForward(weights, rope, batch, { logits: 'last', cache: true });
    return { logits: out.logits!, keys: out.cache!.keys, values: out.cache!.values };
  });
  let logits: tf.Tensor = prefill.logits;
  cache = { keys: prefill.keys, values: prefill.values };
  tf.dispose([batch.ids, batch.positions]); // the mask lives on, growing by one column per step
  try {
    for (let step = 0; step < Math.min(options.maxNewTokens, room + 1); step++) {
      const values = (await logits.data()) as Float32Array;
      logits.dispose();
      const chosen = prompts.map((_, b) => {
        if (done[b]) return padId;
        const token = chooseToken(values, b * arch.vocabSize, arch.vocabSize, options, rng);
        outputs[b]!.push(token);
        if (stop.has(token) || outputs[b]!.length >= options.maxNewTokens) done[b] = true;
        return token;
      });
      if (done.every(Boolean) || step === room) break;
      const next = tf.tidy(() => {
        const ids = tf.tensor2d(chosen, [chosen.length, 1], 'int32');
        const positions = tf.tensor2d(nextPositions, [chosen.length, 1], 'int32');
        const mask = tf.concat([keyMask, tf.ones([chosen.length, 1])], 1) as tf.Tensor2D;
        const out = decoderForward(
          weights,
          rope,
          { ids, positions, keyMask: mask, past: cache! },
          { logits: 'last', cache: true },
        );
        return { logits: out.logits!, keys: out.cache!.keys, values: out.cache!.values, mask };
      });
      disposeCache(cache);
      keyMask.dispose();
      cache = { keys: next.keys, values: next.values };
      keyMask = next.mask;
      logits = next.logits;
      nextPositions = nextPositions.map((p) => p + 1);
    }
  } finally {
    if (!logits.isDisposed) logits.dispose();
    disposeCache(cache);
    keyMask.dispose();
  }
  return outputs;
}

function disposeCache(cache: KvCache | undefined): void {
  if (!cache) return;
  tf.dispose([...cache.keys, ...cache.values]);
}
