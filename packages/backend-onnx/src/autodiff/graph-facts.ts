import type { GraphBuilder } from '../export/graph-builder.js';
import { onnx, type OnnxTypes } from '../export/onnx-proto.js';

/** A dimension known at build time: a size, or a symbol (a named dynamic axis, or `?n` for a size found at run time). */
export type Dim = number | string;

/** What is known about a value before running the graph. `shape` is absent when not even the rank is known. */
export interface ValueFacts {
  elemType?: number;
  shape?: Dim[];
}

const { DataType } = onnx.TensorProto;

/** Element types that carry gradients. */
export const FLOAT_TYPES: ReadonlySet<number> = new Set([
  DataType.FLOAT,
  DataType.DOUBLE,
  DataType.FLOAT16,
  DataType.BFLOAT16,
]);

/**
 * Static facts about a {@link GraphBuilder}'s values: element type, and shape with symbolic dims, inferred node by
 * node for the ops mllr's graphs use (an op not handled here leaves its outputs' shapes unknown). Also tracks small
 * int64 vectors whose contents are known (constants, and `Shape` outputs as dims), so that a `Reshape` or `Expand`
 * to the shape of another value is understood. The backward pass uses it to decide, while building, which axes a
 * broadcast gradient is summed over: no Shape-based reduction at run time.
 *
 * Symbols: two values with the same symbol have the same size; a symbol is assumed not to be a broadcast 1.
 */
export class GraphFacts {
  private readonly facts = new Map<string, ValueFacts>();
  private readonly ints = new Map<string, Dim[]>();
  private readonly floats = new Map<string, number[]>();
  private readonly producers = new Map<string, OnnxTypes.INodeProto>();
  private seen = 0;
  private symbols = 0;

  constructor(private readonly g: GraphBuilder) {
    for (const info of g.inputs) {
      const t = info.type?.tensorType;
      this.facts.set(info.name!, {
        elemType: t?.elemType ?? undefined,
        shape: t?.shape?.dim?.map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue))),
      });
    }
    for (const w of g.weights) this.facts.set(w.name, { elemType: DataType.FLOAT, shape: [...w.shape] });
    this.update();
  }

  /** Takes in the nodes and constants added since the last call. */
  update(): void {
    for (const c of this.g.constants) if (!this.facts.has(c.name!)) this.addConstant(c);
    for (; this.seen < this.g.nodes.length; this.seen++) {
      const node = this.g.nodes[this.seen]!;
      for (const o of node.output ?? []) this.producers.set(o, node);
      this.infer(node);
    }
  }

  /** The node that computes a value (undefined for inputs, weights and constants). */
  producer(value: string): OnnxTypes.INodeProto | undefined {
    return this.producers.get(value);
  }

  /** The facts of a value (empty when nothing is known). */
  of(value: string): ValueFacts {
    return this.facts.get(value) ?? {};
  }

  /** The value's shape; throws where it is unknown (the caller needs it to build a gradient). */
  shape(value: string): Dim[] {
    const shape = this.facts.get(value)?.shape;
    if (!shape) {
      const op = this.producers.get(value)?.opType;
      throw new Error(
        `autodiff: the shape of ${value}${op ? ` (computed by ${op})` : ''} is not known while building the graph`,
      );
    }
    return shape;
  }

  /** The value's element type (float32 when unknown). */
  elemType(value: string): number {
    return this.facts.get(value)?.elemType ?? DataType.FLOAT;
  }

  /** The contents of an int64 vector known at build time (a constant or a Shape output), else undefined. */
  intsOf(value: string): Dim[] | undefined {
    return this.ints.get(value);
  }

  /** The contents of a float constant, else undefined. */
  floatsOf(value: string): number[] | undefined {
    return this.floats.get(value);
  }

  private fresh(): string {
    return `?${++this.symbols}`;
  }

  private addConstant(c: OnnxTypes.ITensorProto): void {
    const shape = (c.dims ?? []).map(Number);
    this.facts.set(c.name!, { elemType: c.dataType ?? undefined, shape });
    if (c.dataType === DataType.INT64 && shape.length <= 1) this.ints.set(c.name!, (c.int64Data ?? []).map(Number));
    if (c.dataType === DataType.FLOAT && c.floatData && c.floatData.length > 0)
      this.floats.set(c.name!, [...c.floatData]);
    if (c.dataType === DataType.DOUBLE && c.doubleData && c.doubleData.length > 0)
      this.floats.set(c.name!, [...c.doubleData]);
  }

  private set(value: string, elemType: number | undefined, shape: Dim[] | undefined): void {
    this.facts.set(value, { elemType, shape });
  }

  private infer(node: OnnxTypes.INodeProto): void {
    const inputs = node.input ?? [];
    const outputs = node.output ?? [];
    const attr = (name: string) => node.attribute?.find((a) => a.name === name);
    const int = (name: string, fallback: number) => {
      const a = attr(name);
      return a?.i === undefined || a.i === null ? fallback : Number(a.i);
    };
    const intList = (name: string) => attr(name)?.ints?.map(Number);
    const x = this.of(inputs[0] ?? '');
    const xs = x.shape;
    const rankOf = (s: Dim[] | undefined) => s?.length ?? 0;
    const axis = (a: number, rank: number) => (a < 0 ? a + rank : a);
    const out = outputs[0]!;
    switch (node.opType) {
      case 'Identity':
      case 'Neg':
      case 'Sqrt':
      case 'Reciprocal':
      case 'Sigmoid':
      case 'Exp':
      case 'Log':
      case 'Tanh':
      case 'Relu':
      case 'Softmax':
      case 'LogSoftmax':
      case 'Erf':
      case 'Abs':
      case 'Sin':
      case 'Cos':
      case 'Floor':
      case 'Ceil':
      case 'Round':
      case 'Sign':
      case 'Softplus':
      case 'LeakyRelu':
      case 'Elu':
      case 'Gelu':
      case 'Clip':
        this.set(out, x.elemType, xs && [...xs]);
        break;
      case 'Cast':
        this.set(out, int('to', DataType.FLOAT), xs && [...xs]);
        break;
      case 'Add':
      case 'Sub':
      case 'Mul':
      case 'Div':
      case 'Pow':
      case 'Sum':
        this.set(out, x.elemType, broadcastShapes(inputs.map((i) => this.of(i).shape)));
        break;
      case 'Equal':
      case 'Less':
      case 'LessOrEqual':
      case 'Greater':
      case 'GreaterOrEqual':
      case 'And':
      case 'Or':
        this.set(out, DataType.BOOL, broadcastShapes(inputs.map((i) => this.of(i).shape)));
        break;
      case 'Not':
        this.set(out, DataType.BOOL, xs && [...xs]);
        break;
      case 'Where':
        this.set(out, this.of(inputs[1]!).elemType, broadcastShapes(inputs.map((i) => this.of(i).shape)));
        break;
      case 'MatMul': {
        const bs = this.of(inputs[1]!).shape;
        if (!xs || !bs || xs.length < 2 || bs.length < 2) return this.set(out, x.elemType, undefined);
        const batch = broadcastShapes([xs.slice(0, -2), bs.slice(0, -2)]);
        this.set(out, x.elemType, batch && [...batch, xs[xs.length - 2]!, bs[bs.length - 1]!]);
        break;
      }
      case 'Gemm': {
        const bs = this.of(inputs[1]!).shape;
        if (!xs || !bs || xs.length !== 2 || bs.length !== 2) return this.set(out, x.elemType, undefined);
        this.set(out, x.elemType, [int('transA', 0) ? xs[1]! : xs[0]!, int('transB', 0) ? bs[0]! : bs[1]!]);
        break;
      }
      case 'Transpose': {
        const perm = intList('perm') ?? (xs ? xs.map((_, i) => xs.length - 1 - i) : undefined);
        this.set(out, x.elemType, xs && perm && perm.map((p) => xs[p]!));
        break;
      }
      case 'Reshape': {
        const target = this.ints.get(inputs[1]!);
        this.set(out, x.elemType, target && reshapeDims(xs, target, () => this.fresh()));
        break;
      }
      case 'Flatten': {
        if (!xs) return this.set(out, x.elemType, undefined);
        const a = axis(int('axis', 1), xs.length);
        const product = (dims: Dim[]) =>
          dims.every((d) => typeof d === 'number') ? (dims as number[]).reduce((n, d) => n * d, 1) : this.fresh();
        this.set(out, x.elemType, [product(xs.slice(0, a)), product(xs.slice(a))]);
        break;
      }
      case 'Expand': {
        const target = this.ints.get(inputs[1]!);
        this.set(out, x.elemType, target && broadcastShapes([xs, target]));
        break;
      }
      case 'Unsqueeze': {
        const axes = this.ints.get(inputs[1]!);
        if (!xs || !axes) return this.set(out, x.elemType, undefined);
        const rank = xs.length + axes.length;
        const at = new Set(axes.map((a) => axis(Number(a), rank)));
        const rest = [...xs];
        this.set(
          out,
          x.elemType,
          Array.from({ length: rank }, (_, i) => (at.has(i) ? 1 : rest.shift()!)),
        );
        break;
      }
      case 'Squeeze': {
        const axes = inputs[1] ? this.ints.get(inputs[1]) : undefined;
        if (!xs) return this.set(out, x.elemType, undefined);
        const at = new Set(
          axes ? axes.map((a) => axis(Number(a), xs.length)) : xs.flatMap((d, i) => (d === 1 ? [i] : [])),
        );
        this.set(
          out,
          x.elemType,
          xs.filter((_, i) => !at.has(i)),
        );
        break;
      }
      case 'Shape': {
        if (!xs) return this.set(out, DataType.INT64, [this.fresh()]);
        const start = axis(int('start', 0), xs.length);
        const endAttr = attr('end');
        const end = endAttr ? Math.min(axis(int('end', xs.length), xs.length), xs.length) : xs.length;
        const dims = xs.slice(start, end);
        this.set(out, DataType.INT64, [dims.length]);
        this.ints.set(out, dims);
        break;
      }
      case 'Concat': {
        const shapes = inputs.map((i) => this.of(i).shape);
        if (shapes.some((s) => !s)) return this.set(out, x.elemType, undefined);
        const a = axis(int('axis', 0), rankOf(xs));
        const sizes = shapes.map((s) => s![a]!);
        const total = sizes.every((s) => typeof s === 'number')
          ? (sizes as number[]).reduce((n, s) => n + s, 0)
          : this.fresh();
        this.set(
          out,
          x.elemType,
          xs!.map((d, i) => (i === a ? total : d)),
        );
        const parts = inputs.map((i) => this.ints.get(i));
        if (x.elemType === DataType.INT64 && parts.every((p) => p !== undefined))
          this.ints.set(
            out,
            parts.flatMap((p) => p!),
          );
        break;
      }
      case 'Split': {
        if (!xs) return outputs.forEach((o) => this.set(o, x.elemType, undefined));
        const a = axis(int('axis', 0), xs.length);
        const sizes = inputs[1] ? this.ints.get(inputs[1]) : undefined;
        outputs.forEach((o, k) =>
          this.set(
            o,
            x.elemType,
            xs.map((d, i) => (i === a ? (sizes?.[k] ?? this.fresh()) : d)),
          ),
        );
        break;
      }
      case 'Slice': {
        if (!xs) return this.set(out, x.elemType, undefined);
        const starts = this.ints.get(inputs[1]!);
        const ends = this.ints.get(inputs[2]!);
        const axes = inputs[3] ? this.ints.get(inputs[3]) : starts?.map((_, i) => i);
        const shape = [...xs];
        (axes ?? xs.map((_, i) => i)).forEach((a, k) => {
          const i = axis(Number(a), xs.length);
          shape[i] = sliceSize(xs[i]!, starts?.[k], ends?.[k]) ?? this.fresh();
        });
        this.set(out, x.elemType, shape);
        break;
      }
      case 'Gather': {
        const idx = this.of(inputs[1]!).shape;
        if (!xs || !idx) return this.set(out, x.elemType, undefined);
        const a = axis(int('axis', 0), xs.length);
        this.set(out, x.elemType, [...xs.slice(0, a), ...idx, ...xs.slice(a + 1)]);
        break;
      }
      case 'GatherElements':
        this.set(out, x.elemType, this.of(inputs[1]!).shape);
        break;
      case 'ScatterND':
      case 'ScatterElements':
        this.set(out, x.elemType, xs && [...xs]);
        break;
      case 'ReduceMean':
      case 'ReduceSum':
      case 'ReduceMax': {
        const axes = intList('axes') ?? (inputs[1] ? this.ints.get(inputs[1]) : []);
        if (!xs || !axes) return this.set(out, x.elemType, undefined);
        const keep = int('keepdims', 1) === 1;
        const all = axes.length === 0 && int('noop_with_empty_axes', 0) === 0;
        const at = new Set(all ? xs.map((_, i) => i) : axes.map((a) => axis(Number(a), xs.length)));
        this.set(out, x.elemType, keep ? xs.map((d, i) => (at.has(i) ? 1 : d)) : xs.filter((_, i) => !at.has(i)));
        break;
      }
      case 'ConstantOfShape': {
        const target = this.ints.get(inputs[0]!);
        this.set(out, attr('value')?.t?.dataType ?? DataType.FLOAT, target && [...target]);
        break;
      }
      case 'Range':
        this.set(out, x.elemType, [this.fresh()]);
        break;
      default:
        // Unknown op: assume it keeps its first input's type (so a float path through it is still seen, and the
        // backward pass stops with "no gradient rule" instead of silently cutting the gradient); shape unknown.
        for (const o of outputs) this.set(o, x.elemType, undefined);
    }
  }
}

/** Numpy-style broadcast of shapes (undefined when a rank is unknown). */
export function broadcastShapes(shapes: readonly (readonly Dim[] | undefined)[]): Dim[] | undefined {
  if (shapes.some((s) => !s)) return undefined;
  const rank = Math.max(...shapes.map((s) => s!.length));
  return Array.from({ length: rank }, (_, i) => {
    let dim: Dim = 1;
    for (const s of shapes) {
      const d = s![s!.length - rank + i];
      if (d === undefined || d === 1) continue;
      if (dim === 1 || (typeof dim === 'string' && typeof d === 'number')) dim = d;
    }
    return dim;
  });
}

function reshapeDims(xs: Dim[] | undefined, target: readonly Dim[], fresh: () => string): Dim[] {
  const dims = target.map((d, i) => (d === 0 && xs ? xs[i]! : d));
  const unknown = dims.indexOf(-1);
  if (unknown < 0) return dims;
  const total = xs?.every((d) => typeof d === 'number') ? (xs as number[]).reduce((n, d) => n * d, 1) : undefined;
  const known = dims.filter((d, i) => i !== unknown);
  if (total !== undefined && known.every((d) => typeof d === 'number'))
    dims[unknown] = total / (known as number[]).reduce((n, d) => n * d, 1);
  else dims[unknown] = fresh();
  return dims;
}

function sliceSize(dim: Dim, start: Dim | undefined, end: Dim | undefined): number | undefined {
  if (typeof dim !== 'number' || typeof start !== 'number' || typeof end !== 'number') return undefined;
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
  return Math.max(clamp(end) - clamp(start), 0);
}
