import type { GraphBuilder } from '../export/graph-builder.js';
import { onnx, type OnnxTypes } from '../export/onnx-proto.js';
import type { Dim, GraphFacts } from './graph-facts.js';

/**
 * What a vector-Jacobian rule sees of one forward node. A rule appends nodes to `g` and returns, per input, the
 * gradient of the loss with respect to that input (with exactly that input's shape), or undefined where
 * `needs[i]` is false or the input has no gradient.
 */
export interface VjpContext {
  g: GraphBuilder;
  facts: GraphFacts;
  node: OnnxTypes.INodeProto;
  inputs: readonly string[];
  outputs: readonly string[];
  /** Gradient of each output (with the output's shape); undefined where no gradient flows back through it. */
  gradOutputs: readonly (string | undefined)[];
  /** Which inputs the loss needs a gradient for (inputs on a path from a `wrt` value). */
  needs: readonly boolean[];
}

/** A vector-Jacobian product rule for one op type. */
export type VjpRule = (ctx: VjpContext) => (string | undefined)[];

/** The gradient of the node's only output (always present: the driver skips nodes without output gradients). */
export function gradOut(ctx: VjpContext): string {
  const gy = ctx.gradOutputs[0];
  if (gy === undefined) throw new Error(`autodiff: ${ctx.node.opType} node ${ctx.node.name} has no output gradient`);
  return gy;
}

/** An integer attribute of the node. */
export function intAttr(ctx: VjpContext, name: string, fallback: number): number {
  const a = ctx.node.attribute?.find((x) => x.name === name);
  return a?.i === undefined || a.i === null ? fallback : Number(a.i);
}

/** An integer-list attribute of the node, if set. */
export function intsAttr(ctx: VjpContext, name: string): number[] | undefined {
  return ctx.node.attribute?.find((x) => x.name === name)?.ints?.map(Number);
}

/** The contents of an int64 input known at build time, as plain numbers; throws for a value computed at run time. */
export function constInts(ctx: VjpContext, value: string, what: string): number[] {
  const dims = ctx.facts.intsOf(value);
  if (!dims || dims.some((d) => typeof d !== 'number')) {
    throw new Error(
      `autodiff: the ${what} of ${ctx.node.opType} node ${ctx.node.name} must be a constant to differentiate it`,
    );
  }
  return dims as number[];
}

/** A scalar constant of `like`'s element type. */
export function scalarLike(ctx: VjpContext, value: number, like: string): string {
  return ctx.g.scalar(value, ctx.facts.elemType(like));
}

/** Zeros with `like`'s shape and element type. */
export function zerosLike(ctx: Pick<VjpContext, 'g' | 'facts'>, like: string): string {
  return constantOfShape(ctx, ctx.g.op('Shape', [like]), 0, ctx.facts.elemType(like));
}

/** A tensor of `shape` (an int64 vector value) filled with `value`. */
export function constantOfShape(ctx: Pick<VjpContext, 'g'>, shape: string, value: number, elemType: number): string {
  const DOUBLE = onnx.TensorProto.DataType.DOUBLE;
  const tensor = onnx.TensorProto.create(
    elemType === DOUBLE
      ? { dims: [1], dataType: DOUBLE, doubleData: [value] }
      : { dims: [1], dataType: elemType, floatData: [value] },
  );
  return ctx.g.op('ConstantOfShape', [shape], { value: tensor });
}

/** `axis` in [0, rank). */
export function normalAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/**
 * Sums a gradient of shape `from` back to the shape `to` of an input that was broadcast to `from` (numpy rules):
 * leading axes that `to` lacks, and axes where `to` has a literal 1 and `from` does not. Decided while building,
 * from static shapes, so it costs one ReduceSum (and a Squeeze) only where an input really was broadcast.
 */
export function unbroadcast(ctx: VjpContext, grad: string, from: readonly Dim[], to: readonly Dim[]): string {
  const lead = from.length - to.length;
  if (lead < 0) throw new Error(`autodiff: cannot sum a gradient of rank ${from.length} to rank ${to.length}`);
  const axes = Array.from({ length: lead }, (_, i) => i);
  to.forEach((d, i) => {
    if (d === 1 && from[lead + i] !== 1) axes.push(lead + i);
  });
  if (axes.length === 0) return grad;
  const summed = ctx.g.op('ReduceSum', [grad, ctx.g.int64s(axes)], { keepdims: 1 });
  return lead === 0 ? summed : ctx.g.op('Squeeze', [summed, ctx.g.int64s(Array.from({ length: lead }, (_, i) => i))]);
}

/** The static shapes of the node's inputs and first output. */
export function shapesOf(ctx: VjpContext): { ins: Dim[][]; out: Dim[] } {
  return {
    ins: ctx.inputs.map((i, k) => (ctx.needs[k] ? ctx.facts.shape(i) : (ctx.facts.of(i).shape ?? []))),
    out: ctx.facts.shape(ctx.outputs[0]!),
  };
}

/**
 * A Reshape target that gives a value of shape `from` the shape `to`, built from constants where it can: numbers
 * as they are, 0 for a symbol at the same place in `from`, −1 for one other symbol. Undefined when that is not enough.
 */
export function staticReshapeTarget(from: readonly Dim[], to: readonly Dim[]): number[] | undefined {
  let open = false;
  const target: number[] = [];
  for (const [i, d] of to.entries()) {
    if (typeof d === 'number') target.push(d);
    else if (from[i] === d) target.push(0);
    else if (!open) {
      open = true;
      target.push(-1);
    } else return undefined;
  }
  // 0 copies the input's dim, so a literal 0 size in `to` cannot be expressed this way.
  if (to.some((d) => d === 0)) return undefined;
  return target;
}

/** Reshape `value` (of shape `from`) to the shape of `like` (of shape `to`), statically where possible. */
export function reshapeLike(
  ctx: VjpContext,
  value: string,
  from: readonly Dim[],
  like: string,
  to: readonly Dim[],
): string {
  const target = staticReshapeTarget(from, to);
  return ctx.g.op('Reshape', [value, target ? ctx.g.int64s(target) : ctx.g.op('Shape', [like])]);
}
