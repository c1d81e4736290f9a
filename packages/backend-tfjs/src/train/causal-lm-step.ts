import { checkLossTargets, markLossPositions, type TrainExample } from '@mllr/core';
import { tf } from '../tf.js';
import { decoderForward } from '../decoder/forward.js';
import type { DecoderWeights } from '../decoder/decoder-weights.js';
import { padBatch } from '../decoder/padded-batch.js';
import { maskedCrossEntropySum } from './masked-cross-entropy.js';
import type { RopeTables } from '../decoder/rope.js';

/** Summed loss and gradients of one micro-batch; the caller owns the gradient tensors. */
export interface MicroBatchGradients {
  lossSum: number;
  tokens: number;
  gradients: Map<string, tf.Tensor>;
}

/**
 * Causal-LM loss on response tokens only: position t predicts token t+1, and counts when t+1 is in a response span
 * (past the prompt, or inside one of the example's `responseSpans`: core's markLossPositions, as the onnx engine).
 * Returns the summed (not averaged) loss and its gradients, so micro-batches of gradient accumulation can be added
 * and divided once by the total number of response tokens.
 */
export function causalLmGradients(
  weights: DecoderWeights,
  rope: RopeTables,
  examples: readonly TrainExample[],
  trainable: readonly string[],
): MicroBatchGradients {
  const arch = weights.architecture;
  examples.forEach((e, i) => checkLossTargets(e, i));
  const padId = arch.padTokenId ?? arch.eosTokenIds[0] ?? 0;
  const batch = padBatch(
    examples.map((e) => e.ids),
    padId,
    'right',
    arch,
  );
  const width = batch.width;
  const labels = new Int32Array(examples.length * width);
  const lossMask = new Float32Array(examples.length * width);
  let tokens = 0;
  examples.forEach((e, b) => {
    for (let t = 0; t + 1 < e.ids.length; t++) labels[b * width + t] = e.ids[t + 1]!;
    tokens += markLossPositions(e, lossMask, b * width);
  });
  const variables = trainable.map((name) => weights.get(name));
  const labelTensor = tf.tensor1d(labels, 'int32');
  const maskTensor = tf.tensor1d(lossMask, 'float32');
  try {
    const { value, grads } = tf.variableGrads(() => {
      const { logits } = decoderForward(weights, rope, batch, { logits: 'all' });
      return maskedCrossEntropySum(tf.reshape(logits!, [-1, arch.vocabSize]), labelTensor, maskTensor);
    }, variables);
    const lossSum = value.dataSync()[0]!;
    value.dispose();
    const gradients = new Map<string, tf.Tensor>();
    trainable.forEach((name, i) => gradients.set(name, grads[variables[i]!.name]!));
    return { lossSum, tokens, gradients };
  } finally {
    tf.dispose([labelTensor, maskTensor, batch.ids, batch.positions, batch.keyMask]);
  }
}
