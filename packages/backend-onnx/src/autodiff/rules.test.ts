import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, floatAttribute } from '../export/graph-builder.js';
import { addGradients } from './backward.js';
import { ElemType } from '../export/onnx-proto.js';
import { checkGradients, lcg, type CheckInput } from '../test-support/gradient-check.js';

// Every vector-Jacobian rule against central finite differences of float64 graphs run in ONNX Runtime, on random
// shapes. Tolerance: 1e-6 relative to max(1, |finite difference|) (float64 central differences with step 1e-6 are
// good to about 1e-9 here).
const TOLERANCE = 1e-6;
const RUNS = { numRuns: 6 };

const dim = fc.integer({ min: 1, max: 3 });
const shapeOf = (minRank: number, maxRank: number) => fc.array(dim, { minLength: minRank, maxLength: maxRank });
const seed = fc.integer({ min: 1, max: 2 ** 31 - 1 });
const float = (name: string, shape: number[], range?: [number, number]): CheckInput => ({
  name,
  shape,
  fill: { kind: 'float', range },
});

/** A shape that broadcasts to `shape`: some leading axes dropped, some axes set to 1. */
const broadcastOf = (shape: number[]) =>
  fc
    .tuple(
      fc.integer({ min: 0, max: shape.length }),
      fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
    )
    .map(([drop, ones]) => shape.map((d, i) => (ones[i] ? 1 : d)).slice(drop));

async function expectGradients(
  inputs: CheckInput[],
  build: (g: GraphBuilder, n: string[]) => string,
  s: number,
): Promise<void> {
  const result = await checkGradients(inputs, build, { seed: s });
  expect(result.elements).toBeGreaterThan(0);
  expect(result.worst, result.where).toBeLessThan(TOLERANCE);
}

describe('the backward pass', () => {
  it('stops with a clear error at an op without a rule between the loss and a trained value, and ignores one off that path', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', ElemType.FLOAT, [2, 3]);
    const frozen = g.input('frozen', ElemType.FLOAT, [2, 3]);
    const loss = g.op('ReduceSum', [g.op('Mul', [g.op('Erf', [x]), g.op('Erf', [frozen])])], { keepdims: 0 });
    expect(() => addGradients(g, loss, ['x'])).toThrow(/no gradient rule for Erf/);
    const h = new GraphBuilder();
    const y = h.input('y', ElemType.FLOAT, [2, 3]);
    const fixed = h.input('fixed', ElemType.FLOAT, [2, 3]);
    const total = h.op('ReduceSum', [h.op('Mul', [y, h.op('Erf', [fixed])])], { keepdims: 0 });
    expect(addGradients(h, total, ['y']).get('y')).toBeDefined();
  });

  it('refuses a loss that depends on none of the values asked for', () => {
    const g = new GraphBuilder();
    const x = g.input('x', ElemType.FLOAT, [2]);
    g.input('unused', ElemType.FLOAT, [2]);
    const loss = g.op('ReduceSum', [x], { keepdims: 0 });
    expect(() => addGradients(g, loss, ['unused'])).toThrow(/does not depend/);
  });
});

describe('vector-Jacobian rules against finite differences (float64)', () => {
  for (const op of ['Add', 'Sub', 'Mul', 'Div']) {
    it(`${op} with broadcasting, both ways`, async () => {
      const cases = shapeOf(0, 3).chain((a) => fc.tuple(fc.constant(a), broadcastOf(a), fc.boolean(), seed));
      await fc.assert(
        fc.asyncProperty(cases, async ([a, b, swap, s]) => {
          const range: [number, number] | undefined = op === 'Div' ? [0.5, 1.5] : undefined;
          const inputs = swap ? [float('x', b, range), float('z', a, range)] : [float('x', a), float('z', b, range)];
          await expectGradients(inputs, (g, [x, z]) => g.op(op, [x!, z!]), s);
        }),
        RUNS,
      );
    });
  }

  const unary: Array<[string, (g: GraphBuilder, x: string) => string, [number, number]?]> = [
    ['Pow 2', (g, x) => g.op('Pow', [x, g.scalar(2, ElemType.DOUBLE)])],
    ['Pow 3', (g, x) => g.op('Pow', [x, g.scalar(3, ElemType.DOUBLE)]), [0.5, 1.5]],
    ['Pow 1', (g, x) => g.op('Pow', [x, g.scalar(1, ElemType.DOUBLE)]), [0.5, 1.5]],
    ['Pow -0.5', (g, x) => g.op('Pow', [x, g.scalar(-0.5, ElemType.DOUBLE)]), [0.5, 1.5]],
    ['Sqrt', (g, x) => g.op('Sqrt', [x]), [0.5, 1.5]],
    ['Reciprocal', (g, x) => g.op('Reciprocal', [x]), [0.5, 1.5]],
    ['Neg', (g, x) => g.op('Neg', [x])],
    ['Exp', (g, x) => g.op('Exp', [x])],
    ['Log', (g, x) => g.op('Log', [x]), [0.5, 1.5]],
    ['Sigmoid', (g, x) => g.op('Sigmoid', [x])],
    ['Tanh', (g, x) => g.op('Tanh', [x])],
    ['Identity', (g, x) => g.op('Identity', [x])],
    ['Cast to double', (g, x) => g.op('Cast', [x], { to: ElemType.DOUBLE })],
    ['x·x (one value used twice by a node)', (g, x) => g.op('Mul', [x, x])],
    ['silu(x)·x (a value used by several nodes)', (g, x) => g.op('Mul', [g.op('Mul', [x, g.op('Sigmoid', [x])]), x])],
  ];
  for (const [name, build, range] of unary) {
    it(name, async () => {
      await fc.assert(
        fc.asyncProperty(shapeOf(0, 3), seed, async (shape, s) => {
          await expectGradients([float('x', shape, range)], (g, [x]) => build(g, x!), s);
        }),
        RUNS,
      );
    });
  }

  it('Softmax and LogSoftmax on any axis', async () => {
    await fc.assert(
      fc.asyncProperty(shapeOf(1, 3), fc.nat(), fc.boolean(), seed, async (shape, a, log, s) => {
        const axis = (a % shape.length) - (a % 2 === 0 ? 0 : shape.length);
        await expectGradients(
          [float('x', shape, [-2, 2])],
          (g, [x]) => g.op(log ? 'LogSoftmax' : 'Softmax', [x!], { axis }),
          s,
        );
      }),
      RUNS,
    );
  });

  it('ReduceMean (axes attribute) and ReduceSum (axes input), keepdims or not', async () => {
    await fc.assert(
      fc.asyncProperty(
        shapeOf(1, 3),
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        fc.boolean(),
        fc.boolean(),
        seed,
        async (shape, pick, keep, mean, s) => {
          const axes = shape.flatMap((_, i) => (pick[i] ? [i - (i % 2) * shape.length] : []));
          const keepdims = keep ? 1 : 0;
          await expectGradients(
            [float('x', shape)],
            (g, [x]) =>
              mean
                ? g.op('ReduceMean', [x!], axes.length > 0 ? { axes, keepdims } : { keepdims })
                : g.op('ReduceSum', axes.length > 0 ? [x!, g.int64s(axes)] : [x!], { keepdims }),
            s,
          );
        },
      ),
      RUNS,
    );
  });

  it('MatMul: batched, broadcast batch axes, and a 2-D right side under a batched left side', async () => {
    const cases = fc.tuple(
      shapeOf(0, 2),
      dim,
      dim,
      dim,
      fc.constantFrom('same', 'matrix', 'ones', 'left-matrix'),
      seed,
    );
    await fc.assert(
      fc.asyncProperty(cases, async ([batch, m, k, n, kind, s]) => {
        const a = kind === 'left-matrix' ? [m, k] : [...batch, m, k];
        const b = kind === 'matrix' ? [k, n] : kind === 'ones' ? [...batch.map(() => 1), k, n] : [...batch, k, n];
        await expectGradients([float('a', a), float('b', b)], (g, [x, z]) => g.op('MatMul', [x!, z!]), s);
      }),
      RUNS,
    );
  });

  it('Gemm with transA/transB, α, β and a broadcast C', async () => {
    const cases = fc.tuple(
      dim,
      dim,
      dim,
      fc.boolean(),
      fc.boolean(),
      fc.constantFrom(1, 0.5),
      fc.constantFrom(1, -2),
      fc.constantFrom('full', 'row', 'scalar'),
      seed,
    );
    await fc.assert(
      fc.asyncProperty(cases, async ([m, k, n, ta, tb, alpha, beta, cKind, s]) => {
        const c = cKind === 'full' ? [m, n] : cKind === 'row' ? [n] : [1];
        await expectGradients(
          [float('a', ta ? [k, m] : [m, k]), float('b', tb ? [n, k] : [k, n]), float('c', c)],
          (g, [x, y, z]) =>
            g.op('Gemm', [x!, y!, z!], {
              transA: ta ? 1 : 0,
              transB: tb ? 1 : 0,
              alpha: floatAttribute(alpha),
              beta: floatAttribute(beta),
            }),
          s,
        );
      }),
      RUNS,
    );
  });

  it('Transpose with any permutation', async () => {
    await fc.assert(
      fc.asyncProperty(shapeOf(1, 4), seed, async (shape, s) => {
        const random = lcg(s);
        const perm = shape.map((_, i) => i).sort(() => random() - 0.5);
        await expectGradients([float('x', shape)], (g, [x]) => g.op('Transpose', [x!], { perm }), s);
      }),
      RUNS,
    );
  });

  it('Reshape, Unsqueeze, Squeeze, Flatten', async () => {
    await fc.assert(
      fc.asyncProperty(
        shapeOf(2, 3),
        fc.constantFrom('Reshape', 'Unsqueeze', 'Squeeze', 'Flatten'),
        seed,
        async (shape, op, s) => {
          await expectGradients(
            [float('x', op === 'Squeeze' ? [...shape, 1] : shape)],
            (g, [x]) => {
              if (op === 'Reshape') return g.op('Reshape', [x!, g.int64s([-1, shape[shape.length - 1]!])]);
              if (op === 'Unsqueeze') return g.op('Unsqueeze', [x!, g.int64s([0, -1])]);
              if (op === 'Squeeze') return g.op('Squeeze', [x!, g.int64s([-1])]);
              return g.op('Flatten', [x!], { axis: 1 });
            },
            s,
          );
        },
      ),
      RUNS,
    );
  });

  it('Split with an unused output, then Concat of the parts in another order', async () => {
    await fc.assert(
      fc.asyncProperty(shapeOf(1, 3), fc.nat(), seed, async (shape, a, s) => {
        const axis = a % shape.length;
        const sized = shape.map((d, i) => (i === axis ? d + 2 : d));
        const first = 1;
        const second = 1;
        const third = sized[axis]! - 2;
        await expectGradients(
          [float('x', sized), float('z', shape)],
          (g, [x, z]) => {
            const [p, , r] = g.ops('Split', [x!, g.int64s([first, second, third])], 3, { axis });
            return g.op('Concat', [r!, z!, p!], { axis });
          },
          s,
        );
      }),
      RUNS,
    );
  });

  it('Slice with constant starts and ends (from the front and from the back)', async () => {
    await fc.assert(
      fc.asyncProperty(shapeOf(1, 3), fc.nat(), fc.boolean(), seed, async (shape, a, back, s) => {
        const axis = a % shape.length;
        const sized = shape.map((d, i) => (i === axis ? d + 2 : d));
        const ends = back ? [-1] : [sized[axis]! - 1];
        await expectGradients(
          [float('x', sized)],
          (g, [x]) => g.op('Slice', [x!, g.int64s([1]), g.int64s(ends), g.int64s([axis])]),
          s,
        );
      }),
      RUNS,
    );
  });

  it('Expand, and Where with float branches (one broadcast)', async () => {
    const cases = shapeOf(1, 3).chain((a) => fc.tuple(fc.constant(a), broadcastOf(a), seed));
    await fc.assert(
      fc.asyncProperty(cases, async ([a, b, s]) => {
        const random = lcg(s + 1);
        const size = a.reduce((n, d) => n * d, 1);
        const cond: CheckInput = {
          name: 'c',
          shape: a,
          fill: { kind: 'bool', values: Array.from({ length: size }, () => random() < 0.5) },
        };
        await expectGradients(
          [float('x', a), float('z', b), cond],
          (g, [x, z, c]) => g.op('Where', [c!, x!, g.op('Expand', [z!, g.int64s(a)])]),
          s,
        );
        await expectGradients(
          [float('x', b), cond],
          (g, [x, c]) => g.op('Where', [c!, g.scalar(0.5, ElemType.DOUBLE), x!]),
          s,
        );
      }),
      RUNS,
    );
  });

  it('Gather on axis 0 (embedding, repeated ids) and on an inner axis', async () => {
    await fc.assert(
      fc.asyncProperty(
        shapeOf(2, 3),
        fc.nat(),
        fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
        seed,
        async (shape, a, picks, s) => {
          const axis = a % shape.length;
          const rows = shape[axis]!;
          const indices: CheckInput = {
            name: 'i',
            shape: [picks.length],
            fill: { kind: 'int64', values: picks.map((p) => p % rows) },
          };
          await expectGradients([float('x', shape), indices], (g, [x, i]) => g.op('Gather', [x!, i!], { axis }), s);
        },
      ),
      RUNS,
    );
  });

  it('Gather with a 2-D index tensor (embedding of a [batch, sequence] of ids)', async () => {
    await expectGradients(
      [float('x', [5, 3]), { name: 'i', shape: [2, 3], fill: { kind: 'int64', values: [0, 4, 0, 2, 2, 0] } }],
      (g, [x, i]) => g.op('Gather', [x!, i!], { axis: 0 }),
      7,
    );
  });

  it('a tied embedding: Gather rows and a product with the transposed table (the scatter adds into the dense part)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 5 }),
        dim,
        fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        seed,
        async (v, h, picks, s) => {
          const ids: CheckInput = {
            name: 'i',
            shape: [picks.length],
            fill: { kind: 'int64', values: picks.map((p) => p % v) },
          };
          await expectGradients(
            [float('e', [v, h]), ids],
            (g, [e, i]) =>
              g.op('MatMul', [
                g.op('Sigmoid', [g.op('Gather', [e!, i!], { axis: 0 })]),
                g.op('Transpose', [e!], { perm: [1, 0] }),
              ]),
            s,
          );
        },
      ),
      RUNS,
    );
  });

  it('Gather with constant repeat-interleave indices (grouped-query heads) sums groups', async () => {
    await fc.assert(
      fc.asyncProperty(dim, fc.integer({ min: 1, max: 3 }), dim, seed, async (heads, groups, d, s) => {
        const index = Array.from({ length: heads * groups }, (_, h) => Math.floor(h / groups));
        await expectGradients(
          [float('x', [2, heads, 3, d])],
          (g, [x]) => g.op('Gather', [x!, g.int64s(index)], { axis: 1 }),
          s,
        );
      }),
      RUNS,
    );
  });

  it('GatherElements (cross-entropy picks) with repeated indices', async () => {
    await fc.assert(
      fc.asyncProperty(dim, dim, fc.integer({ min: 2, max: 4 }), seed, async (b, t, v, s) => {
        const random = lcg(s);
        const values = Array.from({ length: b * t * 2 }, () => Math.floor(random() * v));
        const indices: CheckInput = { name: 'i', shape: [b, t, 2], fill: { kind: 'int64', values } };
        await expectGradients(
          [float('x', [b, t, v]), indices],
          (g, [x, i]) => g.op('GatherElements', [x!, i!], { axis: 2 }),
          s,
        );
      }),
      RUNS,
    );
  });
});
