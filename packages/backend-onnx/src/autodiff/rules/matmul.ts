import { gradOut, intAttr, scalarLike, shapesOf, unbroadcast, type VjpContext, type VjpRule } from '../vjp.js';

/** Swaps the last two axes of a value of the given rank. */
function swapLast(rank: number): number[] {
  return [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
}

/**
 * y = a @ b (rank ≥ 2, batch axes broadcast): ∂a = gy @ bᵀ, ∂b = aᵀ @ gy, each summed back over broadcast batch
 * axes. A 2-D b under a batched a (x @ Wᵀ in every linear layer) gets its gradient as one 2-D product over the
 * flattened batch, [K, B·T] @ [B·T, N], instead of a batched product followed by a sum over the batch.
 */
const matmul: VjpRule = (ctx) => {
  const gy = gradOut(ctx);
  const [a, b] = ctx.inputs as [string, string];
  const { ins, out } = shapesOf(ctx);
  const [as, bs] = ins as [NonNullable<(typeof ins)[0]>, NonNullable<(typeof ins)[0]>];
  if (as.length < 2 || bs.length < 2)
    throw new Error(`autodiff: MatMul node ${ctx.node.name} has a 1-D input, which is not supported`);
  let ga: string | undefined;
  let gb: string | undefined;
  if (ctx.needs[0]) {
    const product = ctx.g.op('MatMul', [gy, ctx.g.op('Transpose', [b], { perm: swapLast(bs.length) })]);
    ga = unbroadcast(ctx, product, [...out.slice(0, -1), as[as.length - 1]!], as);
  }
  if (ctx.needs[1]) {
    const k = as[as.length - 1]!;
    const n = out[out.length - 1]!;
    if (bs.length === 2 && as.length > 2 && typeof k === 'number' && typeof n === 'number') {
      const flatA = ctx.g.op('Reshape', [a, ctx.g.int64s([-1, k])]);
      const flatG = ctx.g.op('Reshape', [gy, ctx.g.int64s([-1, n])]);
      const source = ctx.facts.producer(b);
      const transposed =
        source?.opType === 'Transpose' &&
        source.attribute
          ?.find((x) => x.name === 'perm')
          ?.ints?.map(Number)
          .join() === '1,0';
      // b = Wᵀ (a Hugging Face [out, in] weight): compute W's gradient gyᵀ·a as it is, and hand back its
      // transpose, which the Transpose rule then cancels: no [in, out] intermediate and no transpose at run time.
      gb = transposed
        ? ctx.g.op('Transpose', [ctx.g.op('MatMul', [ctx.g.op('Transpose', [flatG], { perm: [1, 0] }), flatA])], {
            perm: [1, 0],
          })
        : ctx.g.op('MatMul', [ctx.g.op('Transpose', [flatA], { perm: [1, 0] }), flatG]);
    } else {
      const product = ctx.g.op('MatMul', [ctx.g.op('Transpose', [a], { perm: swapLast(as.length) }), gy]);
      gb = unbroadcast(ctx, product, [...out.slice(0, -2), k, n], bs);
    }
  }
  return [ga, gb];
};

/** A float attribute of the node. */
function floatAttr(ctx: VjpContext, name: string, fallback: number): number {
  const a = ctx.node.attribute?.find((x) => x.name === name);
  return a?.f === undefined || a.f === null ? fallback : Number(a.f);
}

/**
 * y = α·A'B' + β·C with A' = Aᵀ if transA, B' = Bᵀ if transB (2-D), C broadcast to [M, N]. Each gradient is one
 * Gemm with the transposes flipped: ∂A = α·gy·B'ᵀ (or its transpose), ∂B = α·A'ᵀ·gy (or its transpose), ∂C = β·gy
 * summed back to C's shape. α and β ≠ 1 become a Mul (the builder writes integer attributes only).
 */
const gemm: VjpRule = (ctx) => {
  const gy = gradOut(ctx);
  const [a, b, c] = ctx.inputs as [string, string, string?];
  const transA = intAttr(ctx, 'transA', 0);
  const transB = intAttr(ctx, 'transB', 0);
  const alpha = floatAttr(ctx, 'alpha', 1);
  const beta = floatAttr(ctx, 'beta', 1);
  const scaled = (value: string, factor: number) =>
    factor === 1 ? value : ctx.g.op('Mul', [value, scalarLike(ctx, factor, gy)]);
  const grads: (string | undefined)[] = [undefined, undefined, undefined];
  if (ctx.needs[0]) {
    const product = transA
      ? ctx.g.op('Gemm', [b, gy], { transA: transB, transB: 1 })
      : ctx.g.op('Gemm', [gy, b], { transB: 1 - transB });
    grads[0] = scaled(product, alpha);
  }
  if (ctx.needs[1]) {
    const product = transB
      ? ctx.g.op('Gemm', [gy, a], { transA: 1, transB: transA })
      : ctx.g.op('Gemm', [a, gy], { transA: 1 - transA });
    grads[1] = scaled(product, alpha);
  }
  if (c !== undefined && ctx.needs[2]) {
    const { ins, out } = shapesOf(ctx);
    grads[2] = unbroadcast(ctx, scaled(gy, beta), out, ins[2]!);
  }
  return grads;
};

/** Matrix product rules by op type. */
export const MATMUL_RULES = { MatMul: matmul, Gemm: gemm } as const;
