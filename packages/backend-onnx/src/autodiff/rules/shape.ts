import { constInts, gradOut, intAttr, intsAttr, normalAxis, reshapeLike, zerosLike, type VjpRule } from '../vjp.js';

// Rules for ops that only move data: their gradient moves it back.

const transpose: VjpRule = (ctx) => {
  const rank = ctx.facts.shape(ctx.inputs[0]!).length;
  const perm = intsAttr(ctx, 'perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  const gy = gradOut(ctx);
  // A gradient that arrives transposed by exactly `perm` (MatMul's weight gradient, see matmul.ts) needs no work.
  const before = ctx.facts.producer(gy);
  const beforePerm =
    before?.opType === 'Transpose' ? before.attribute?.find((a) => a.name === 'perm')?.ints?.map(Number) : undefined;
  if (beforePerm && beforePerm.length === perm.length && beforePerm.every((p, i) => p === perm[i]))
    return [before!.input![0]!];
  return [ctx.g.op('Transpose', [gy], { perm: inverse })];
};

// Reshape, Unsqueeze, Squeeze and Flatten keep the data in order: reshape the gradient to the input's shape.
const reshape: VjpRule = (ctx) => {
  const x = ctx.inputs[0]!;
  return [
    reshapeLike(ctx, gradOut(ctx), ctx.facts.shape(ctx.outputs[0]!), x, ctx.facts.shape(x)),
    ...ctx.inputs.slice(1).map(() => undefined),
  ];
};

// The outputs' gradients joined again; an output nothing flowed back through contributes zeros.
const split: VjpRule = (ctx) => {
  const x = ctx.inputs[0]!;
  const axis = normalAxis(intAttr(ctx, 'axis', 0), ctx.facts.shape(x).length);
  const parts = ctx.outputs.map((y, i) => ctx.gradOutputs[i] ?? zerosLike(ctx, y));
  return [ctx.g.op('Concat', parts, { axis }), ...ctx.inputs.slice(1).map(() => undefined)];
};

const concat: VjpRule = (ctx) => {
  const shapes = ctx.inputs.map((i) => ctx.facts.shape(i));
  const axis = normalAxis(intAttr(ctx, 'axis', 0), shapes[0]!.length);
  const sizes = shapes.map((s) => s[axis]!);
  const splitSizes = sizes.every((s) => typeof s === 'number')
    ? ctx.g.int64s(sizes as number[])
    : ctx.g.op(
        'Concat',
        ctx.inputs.map((i) => ctx.g.op('Shape', [i], { start: axis, end: axis + 1 })),
        { axis: 0 },
      );
  const parts = ctx.g.ops('Split', [gradOut(ctx), splitSizes], ctx.inputs.length, { axis });
  return parts.map((p, i) => (ctx.needs[i] ? p : undefined));
};

// The gradient of a slice is the upstream gradient padded with zeros back to the input's extent. Constant
// starts/ends/axes and unit steps only; a symbolic axis needs a start from the front and an end from the back.
const slice: VjpRule = (ctx) => {
  const [x, startsValue, endsValue, axesValue, stepsValue] = ctx.inputs as [string, string, string, string?, string?];
  const shape = ctx.facts.shape(x);
  const starts = constInts(ctx, startsValue, 'starts');
  const ends = constInts(ctx, endsValue, 'ends');
  const axes = axesValue ? constInts(ctx, axesValue, 'axes') : starts.map((_, i) => i);
  if (stepsValue && constInts(ctx, stepsValue, 'steps').some((s) => s !== 1)) {
    throw new Error(`autodiff: Slice node ${ctx.node.name} has a step other than 1, which is not supported`);
  }
  const pads = new Array<number>(2 * shape.length).fill(0);
  axes.forEach((a, k) => {
    const i = normalAxis(a, shape.length);
    const dim = shape[i]!;
    const clamp = (v: number, d: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
    if (typeof dim === 'number') {
      const begin = clamp(starts[k]!, dim);
      pads[i] = begin;
      pads[shape.length + i] = dim - Math.max(clamp(ends[k]!, dim), begin);
    } else if (starts[k]! >= 0 && (ends[k]! < 0 || ends[k]! >= Number.MAX_SAFE_INTEGER)) {
      pads[i] = starts[k]!;
      pads[shape.length + i] = ends[k]! < 0 ? -ends[k]! : 0;
    } else {
      throw new Error(
        `autodiff: Slice node ${ctx.node.name} slices axis ${i} of unknown size from the back, which is not supported`,
      );
    }
  });
  return [ctx.g.op('Pad', [gradOut(ctx), ctx.g.int64s(pads)]), undefined, undefined, undefined, undefined];
};

/** Data-movement rules by op type. */
export const SHAPE_RULES: Readonly<Record<string, VjpRule>> = {
  Transpose: transpose,
  Reshape: reshape,
  Unsqueeze: reshape,
  Squeeze: reshape,
  Flatten: reshape,
  Split: split,
  Concat: concat,
  Slice: slice,
};
