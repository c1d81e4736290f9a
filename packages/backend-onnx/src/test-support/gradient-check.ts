import * as ort from 'onnxruntime-node';
import { addGradients } from '../autodiff/backward.js';
import { GraphFacts } from '../autodiff/graph-facts.js';
import { GraphBuilder } from '../export/graph-builder.js';
import { encodeGraphModel } from '../export/graph-model.js';
import { ElemType } from '../export/onnx-proto.js';

/** How a test input is filled. */
export type InputKind =
  | { kind: 'float'; range?: [number, number] }
  | { kind: 'int64'; values: readonly number[] }
  | { kind: 'bool'; values: readonly boolean[] };

/** One input of a checked graph. Float inputs are differentiated (float64 unless `elemType` says otherwise). */
export interface CheckInput {
  name: string;
  shape: number[];
  fill: InputKind;
}

/** What a gradient check found: the largest error over all elements, relative to max(1, |finite difference|). */
export interface GradientCheck {
  worst: number;
  where: string;
  elements: number;
}

/** A small linear-congruential generator (deterministic from the fast-check seed). */
export function lcg(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Builds `build`'s graph over the inputs (float ones as float64 by default), takes loss = Σ y ⊙ r with a random r,
 * differentiates it with {@link addGradients}, runs it in ONNX Runtime and compares every element's gradient with
 * a central finite difference of the same graph.
 */
export async function checkGradients(
  inputs: readonly CheckInput[],
  build: (g: GraphBuilder, names: string[]) => string,
  options: { seed: number; step?: number; floatType?: number },
): Promise<GradientCheck> {
  const floatType = options.floatType ?? ElemType.DOUBLE;
  const g = new GraphBuilder();
  const names = inputs.map((i) =>
    g.input(
      i.name,
      i.fill.kind === 'float' ? floatType : i.fill.kind === 'int64' ? ElemType.INT64 : ElemType.BOOL,
      i.shape,
    ),
  );
  const y = build(g, names);
  const yShape = new GraphFacts(g).shape(y).map(Number);
  const r = g.input('r', floatType, yShape);
  const loss = g.op('ReduceSum', [g.op('Mul', [y, r])], { keepdims: 0 }, 'loss');
  const floats = inputs.filter((i) => i.fill.kind === 'float').map((i) => i.name);
  const grads = addGradients(g, loss, floats);
  g.output(loss, floatType, []);
  floats.forEach((name) => {
    const out = `grad.${name}`;
    g.op('Identity', [grads.get(name)!], {}, out);
    g.output(out, floatType, inputs.find((i) => i.name === name)!.shape);
  });
  g.prune();
  const session = await ort.InferenceSession.create(encodeGraphModel(g, { name: 'gradient-check' }), {
    logSeverityLevel: 3,
    intraOpNumThreads: 1,
  });
  try {
    const random = lcg(options.seed);
    const Float = (size: number, f: () => number) =>
      floatType === ElemType.DOUBLE ? Float64Array.from({ length: size }, f) : Float32Array.from({ length: size }, f);
    const tensor = (data: Float64Array | Float32Array, dims: number[]) =>
      data instanceof Float64Array ? new ort.Tensor('float64', data, dims) : new ort.Tensor('float32', data, dims);
    const feeds: Record<string, ort.Tensor> = {};
    const values = new Map<string, Float64Array | Float32Array>();
    for (const input of inputs) {
      const size = input.shape.reduce((n, d) => n * d, 1);
      if (input.fill.kind === 'float') {
        const [lo, hi] = input.fill.range ?? [-1, 1];
        const data = Float(size, () => lo + (hi - lo) * random());
        values.set(input.name, data);
        feeds[input.name] = tensor(data, input.shape);
      } else if (input.fill.kind === 'int64') {
        feeds[input.name] = new ort.Tensor(
          'int64',
          BigInt64Array.from(input.fill.values, (v) => BigInt(v)),
          input.shape,
        );
      } else {
        feeds[input.name] = new ort.Tensor(
          'bool',
          Uint8Array.from(input.fill.values, (v) => (v ? 1 : 0)),
          input.shape,
        );
      }
    }
    feeds.r = tensor(
      Float(
        yShape.reduce((n, d) => n * d, 1),
        () => random() * 2 - 1,
      ),
      yShape,
    );
    const analytic = await session.run(feeds);
    const lossAt = async () => Number((await session.run(feeds, [loss]))[loss]!.data[0]);
    const step = options.step ?? 1e-6;
    let worst = 0;
    let where = '';
    let elements = 0;
    for (const name of floats) {
      const data = values.get(name)!;
      const grad = analytic[`grad.${name}`]!.data as Float64Array;
      for (let i = 0; i < data.length; i++) {
        const keep = data[i]!;
        data[i] = keep + step;
        const up = await lossAt();
        data[i] = keep - step;
        const down = await lossAt();
        data[i] = keep;
        const fd = (up - down) / (2 * step);
        const error = Math.abs(grad[i]! - fd) / Math.max(1, Math.abs(fd));
        elements++;
        if (error > worst || Number.isNaN(error)) {
          worst = Number.isNaN(error) ? Infinity : error;
          where = `${name}[${i}]: autodiff ${grad[i]} vs finite difference ${fd}`;
        }
      }
    }
    return { worst, where, elements };
  } finally {
    await session.release();
  }
}
