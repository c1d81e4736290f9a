/**
 * # The ONNX training graph (contract for the training engine)
 *
 * `buildTrainingGraph(arch, { trainable })` builds one graph per architecture (llama / qwen2 / mistral: GQA, qkv
 * bias, tied or untied head) that computes, for one micro-batch, the summed causal-LM loss and the gradients of the
 * trainable tensors. Run it with {@link TrainingGraphSession} (training-session.ts), or feed it yourself:
 *
 * Inputs (names in {@link TRAIN_IO}):
 * - `input_ids` int64 [batch, sequence], right-padded (padRight in engine/padded-batch.ts);
 * - `attention_mask` int64 [batch, sequence]: 1 for real tokens, 0 for padding;
 * - `position_ids` int64 [batch, sequence]: 0..len−1 on real tokens (anything below the context on padding);
 * - `loss_mask` float32 [batch, sequence]: 1 at position t when token t+1 is a response token (t+1 ≥ prompt length
 *   and t+1 < length), else 0 — position t predicts token t+1;
 * - every tensor of the checkpoint (Hugging Face names and [out, in] layouts, float32), trainable or frozen, as a
 *   graph input: weights change between steps without rebuilding the session. Frozen tensors get no gradient
 *   output, and nothing of the backward pass that only they would need is built.
 * - with `adapter` (LoRA), also each targeted module's `<prefix>.lora_A.weight` [r, in] and `<prefix>.lora_B.weight`
 *   [out, r]: the module computes x·Wᵀ (+ b) + s·(x·Aᵀ)·Bᵀ. Typically only these are trainable, W frozen.
 *
 * Outputs:
 * - `loss_sum` float32 []: Σ over the batch of loss_mask · −log softmax(logits[b, t])[ids[b, t+1]], summed, not
 *   averaged, exactly the tfjs engine's loss (causal-lm-step.ts); divide once by the step's response tokens;
 * - `token_count` float32 []: Σ loss_mask (the response tokens counted);
 * - `grad.<name>` float32 [shape of the tensor]: d loss_sum / d tensor, for each trainable tensor;
 * - `grad_sq.<name>` float32 [] (unless `gradSquares: false`): Σ grad² of this micro-batch's gradient, for global-norm
 *   clipping without a pass over the gradients in JavaScript when a step has one micro-batch (with accumulation, sum
 *   the gradients first and take the norm of the sum). ONNX Runtime computes them even when not fetched, so a caller
 *   that does not use them should leave them out.
 *
 * The loss's gradient with respect to the logits is written by hand, (softmax − onehot(label)) · loss_mask, from
 * the forward's log-softmax (no [batch, sequence, vocab] one-hot is made: a ScatterElements subtracts the mask at
 * the labels); everything below the logits comes from the autodiff (autodiff/backward.ts).
 */
import type { LoraSettings, ModelArchitecture } from '@mllr/core';
import { MllrError, loraScaling } from '@mllr/core';
import { expectedTensorShapes, loraModules, loraShapes } from '@mllr/model';
import { addVjp } from '../autodiff/backward.js';
import { decoderLayer, decoderLogits, decoderStart } from '../export/decoder-layers.js';
import { GraphBuilder } from '../export/graph-builder.js';
import { encodeGraphModel } from '../export/graph-model.js';
import { ARCHITECTURE_KEY } from '../export/encode-model.js';
import { ElemType } from '../export/onnx-proto.js';

/** Input and output names of the training graph. */
export const TRAIN_IO = {
  inputIds: 'input_ids',
  attentionMask: 'attention_mask',
  positionIds: 'position_ids',
  lossMask: 'loss_mask',
  lossSum: 'loss_sum',
  tokenCount: 'token_count',
  grad: (tensor: string) => `grad.${tensor}`,
  gradSquare: (tensor: string) => `grad_sq.${tensor}`,
} as const;

/** `metadata_props` value of mllr.format in a training graph. */
export const TRAINING_FORMAT = 'mllr-training/1';

/** What to differentiate. */
export interface TrainingGraphOptions {
  /** Hugging Face names of the tensors that get gradients (each once; any subset of the checkpoint's tensors). */
  trainable: readonly string[];
  /** Whether to output `grad_sq.<name>` for each trainable tensor (default true). */
  gradSquares?: boolean;
  /** LoRA adapters on the targeted modules (their A and B become inputs that `trainable` may name). */
  adapter?: LoraSettings;
}

/** A built training graph. */
export interface TrainingGraph {
  architecture: ModelArchitecture;
  /** The serialised model (ONNX, opset 17; small: the weights are inputs). */
  model: Uint8Array;
  /** Every tensor input, with its shape, in checkpoint order (then the adapter's, in module order). */
  tensors: ReadonlyMap<string, readonly number[]>;
  trainable: readonly string[];
  /** The builder, for inspection (node counts, tests). */
  graph: GraphBuilder;
}

/** Builds the training graph of `arch` for the given trainable tensors (see the contract at the top of this file). */
export function buildTrainingGraph(arch: ModelArchitecture, options: TrainingGraphOptions): TrainingGraph {
  const shapes = expectedTensorShapes(arch);
  if (options.adapter) for (const [name, shape] of loraShapes(arch, options.adapter)) shapes.set(name, shape);
  const trainable = [...options.trainable];
  const seen = new Set<string>();
  for (const name of trainable) {
    if (!shapes.has(name))
      throw new MllrError('ARGUMENT_INVALID', `the ${arch.family} model has no tensor ${name} to train`);
    if (seen.has(name)) throw new MllrError('ARGUMENT_INVALID', `tensor ${name} is listed twice as trainable`);
    seen.add(name);
  }

  const g = new GraphBuilder();
  const dims = ['batch', 'sequence'];
  const ids = g.input(TRAIN_IO.inputIds, ElemType.INT64, dims);
  const keyMask = g.input(TRAIN_IO.attentionMask, ElemType.INT64, dims);
  const positions = g.input(TRAIN_IO.positionIds, ElemType.INT64, dims);
  const lossMask = g.input(TRAIN_IO.lossMask, ElemType.FLOAT, dims);
  for (const [name, shape] of shapes) g.input(name, ElemType.FLOAT, shape);

  const start = decoderStart(g, arch, ids, positions, keyMask);
  if (options.adapter) {
    const prefixes = new Set(loraModules(arch, options.adapter).map((m) => m.weight.slice(0, -'.weight'.length)));
    start.ctx.adapters = { prefixes, scale: g.scalar(loraScaling(options.adapter)) };
  }
  let x = start.x;
  for (let layer = 0; layer < arch.numLayers; layer++) x = decoderLayer(start.ctx, layer, x);
  const logits = decoderLogits(start.ctx, x, 'logits');

  // Labels: token t+1 at position t; the last column wraps to token 0, which the loss mask always leaves out.
  const rest = g.op('Slice', [ids, g.int64s([1]), g.int64s([Number.MAX_SAFE_INTEGER]), g.int64s([1])]);
  const first = g.op('Slice', [ids, g.int64s([0]), g.int64s([1]), g.int64s([1])]);
  const labels = g.op('Unsqueeze', [g.op('Concat', [rest, first], { axis: 1 }), g.int64s([-1])], {}, 'labels'); // [B, T, 1]
  const weight = g.op('Unsqueeze', [lossMask, g.int64s([-1])]); // [B, T, 1]
  const logProbs = g.op('LogSoftmax', [logits], { axis: -1 });
  const picked = g.op('GatherElements', [logProbs, labels], { axis: 2 });
  g.op('Neg', [g.op('ReduceSum', [g.op('Mul', [picked, weight])], { keepdims: 0 })], {}, TRAIN_IO.lossSum);
  g.op('ReduceSum', [lossMask], { keepdims: 0 }, TRAIN_IO.tokenCount);
  g.output(TRAIN_IO.lossSum, ElemType.FLOAT, []);
  g.output(TRAIN_IO.tokenCount, ElemType.FLOAT, []);

  if (trainable.length > 0) {
    // d loss_sum / d logits = (softmax − onehot(label)) · mask.
    const probs = g.op('Mul', [g.op('Exp', [logProbs]), weight]);
    const logitsGrad = g.op(
      'ScatterElements',
      [probs, labels, g.op('Neg', [weight])],
      { axis: 2, reduction: 'add' },
      'logits_grad',
    );
    const grads = addVjp(g, new Map([[logits, logitsGrad]]), trainable);
    const produced = new Set(g.nodes.flatMap((n) => n.output ?? []));
    const renames = new Map<string, string>();
    const uses = new Map<string, number>();
    for (const grad of grads.values()) uses.set(grad, (uses.get(grad) ?? 0) + 1);
    for (const name of trainable) {
      const grad = grads.get(name)!;
      const out = TRAIN_IO.grad(name);
      // Rename the gradient value itself where it is only this tensor's (no copy); a shared one gets an Identity.
      if (produced.has(grad) && uses.get(grad) === 1) renames.set(grad, out);
      else g.op('Identity', [grad], {}, out);
      g.output(out, ElemType.FLOAT, shapes.get(name)!);
    }
    g.rename(renames);
    for (const name of options.gradSquares === false ? [] : trainable) {
      const out = TRAIN_IO.grad(name);
      g.op('ReduceSum', [g.op('Mul', [out, out])], { keepdims: 0 }, TRAIN_IO.gradSquare(name));
      g.output(TRAIN_IO.gradSquare(name), ElemType.FLOAT, []);
    }
  }

  g.prune();
  const model = encodeGraphModel(g, {
    name: `mllr-${arch.family}-training`,
    docString: `${arch.family} causal-LM loss and gradients of ${trainable.length} tensors, built by mllr`,
    metadata: { 'mllr.format': TRAINING_FORMAT, [ARCHITECTURE_KEY]: JSON.stringify(arch) },
  });
  return { architecture: arch, model, tensors: shapes, trainable, graph: g };
}
