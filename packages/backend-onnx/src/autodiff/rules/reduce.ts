import {
  constInts,
  gradOut,
  intAttr,
  intsAttr,
  normalAxis,
  scalarLike,
  type VjpContext,
  type VjpRule,
} from '../vjp.js';

// Reductions and normalised exponentials.

/** The reduced axes of a Reduce* node (attribute in opset < 18 for ReduceMean, input for ReduceSum), normalised. */
function reducedAxes(ctx: VjpContext, rank: number): number[] {
  const listed = intsAttr(ctx, 'axes') ?? (ctx.inputs[1] ? constInts(ctx, ctx.inputs[1], 'axes') : []);
  if (listed.length === 0 && intAttr(ctx, 'noop_with_empty_axes', 0) === 0)
    return Array.from({ length: rank }, (_, i) => i);
  return listed.map((a) => normalAxis(a, rank)).sort((a, b) => a - b);
}

/** Spreads the gradient of a reduction back over the input: unsqueeze the reduced axes if dropped, then Expand. */
function spread(ctx: VjpContext, grad: string, axes: number[]): string {
  const x = ctx.inputs[0]!;
  const kept = intAttr(ctx, 'keepdims', 1) === 1 ? grad : ctx.g.op('Unsqueeze', [grad, ctx.g.int64s(axes)]);
  return ctx.g.op('Expand', [kept, ctx.g.op('Shape', [x])]);
}

const reduceSum: VjpRule = (ctx) => {
  const axes = reducedAxes(ctx, ctx.facts.shape(ctx.inputs[0]!).length);
  return [spread(ctx, gradOut(ctx), axes), undefined];
};

// The mean's gradient is the sum's divided by the number of reduced elements (static sizes only).
const reduceMean: VjpRule = (ctx) => {
  const x = ctx.inputs[0]!;
  const shape = ctx.facts.shape(x);
  const axes = reducedAxes(ctx, shape.length);
  let count = 1;
  for (const a of axes) {
    const d = shape[a];
    if (typeof d !== 'number')
      throw new Error(`autodiff: ReduceMean node ${ctx.node.name} reduces axis ${a} of unknown size`);
    count *= d;
  }
  return [spread(ctx, ctx.g.op('Mul', [gradOut(ctx), scalarLike(ctx, 1 / count, x)]), axes), undefined];
};

// y = softmax(x): ∂x = y ⊙ (gy − Σ gy ⊙ y).
const softmax: VjpRule = (ctx) => {
  const gy = gradOut(ctx);
  const y = ctx.outputs[0]!;
  const axis = ctx.g.int64s([intAttr(ctx, 'axis', -1)]);
  const dot = ctx.g.op('ReduceSum', [ctx.g.op('Mul', [gy, y]), axis], { keepdims: 1 });
  return [ctx.g.op('Mul', [y, ctx.g.op('Sub', [gy, dot])])];
};

// y = log softmax(x): ∂x = gy − exp(y) ⊙ Σ gy.
const logSoftmax: VjpRule = (ctx) => {
  const gy = gradOut(ctx);
  const axis = ctx.g.int64s([intAttr(ctx, 'axis', -1)]);
  const total = ctx.g.op('ReduceSum', [gy, axis], { keepdims: 1 });
  return [ctx.g.op('Sub', [gy, ctx.g.op('Mul', [ctx.g.op('Exp', [ctx.outputs[0]!]), total])])];
};

/** Reduction and softmax rules by op type. */
export const REDUCE_RULES: Readonly<Record<string, VjpRule>> = {
  ReduceSum: reduceSum,
  ReduceMean: reduceMean,
  Softmax: softmax,
  LogSoftmax: logSoftmax,
};
