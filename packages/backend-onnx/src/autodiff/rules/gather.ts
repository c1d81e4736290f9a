import { gradOut, intAttr, normalAxis, zerosLike, type VjpContext, type VjpRule } from '../vjp.js';

/**
 * y = Gather(data, indices, axis): each gathered row's gradient is added back at its index (ScatterND with
 * reduction add into zeros; an embedding's gradient without a one-hot product over the vocabulary). A gather whose
 * constant indices repeat each row r times in order (grouped-query attention's key/value heads) sums groups of r
 * instead: a Reshape and a ReduceSum, no scatter.
 */
const gather: VjpRule = (ctx) => {
  const [data, indices] = ctx.inputs as [string, string];
  const gy = gradOut(ctx);
  const dataShape = ctx.facts.shape(data);
  const axis = normalAxis(intAttr(ctx, 'axis', 0), dataShape.length);
  const repeated = repeatGroupSum(ctx, gy, data, indices, axis);
  if (repeated) return [repeated, undefined];
  const indexRank = ctx.facts.shape(indices).length;
  const zeros = zerosLike(ctx, data);
  const where = ctx.g.op('Unsqueeze', [indices, ctx.g.int64s([-1])]);
  if (axis === 0) return [ctx.g.op('ScatterND', [zeros, where, gy], { reduction: 'add' }), undefined];
  // Bring the gathered axis to the front, scatter there, and move it back.
  const rank = dataShape.length;
  const dataPerm = [axis, ...range(0, axis), ...range(axis + 1, rank)];
  const gradPerm = [
    ...range(axis, axis + indexRank),
    ...range(0, axis),
    ...range(axis + indexRank, rank - 1 + indexRank),
  ];
  const inverse = new Array<number>(rank);
  dataPerm.forEach((p, i) => (inverse[p] = i));
  const scattered = ctx.g.op(
    'ScatterND',
    [ctx.g.op('Transpose', [zeros], { perm: dataPerm }), where, ctx.g.op('Transpose', [gy], { perm: gradPerm })],
    {
      reduction: 'add',
    },
  );
  return [ctx.g.op('Transpose', [scattered], { perm: inverse }), undefined];
};

/** For constant 1-D indices [0,…,0, 1,…,1, …] (each of the axis' k rows r times), the gradient as a grouped sum. */
function repeatGroupSum(ctx: VjpContext, gy: string, data: string, indices: string, axis: number): string | undefined {
  const values = ctx.facts.intsOf(indices);
  const dataShape = ctx.facts.shape(data);
  const rows = dataShape[axis];
  if (!values || typeof rows !== 'number' || values.length === 0 || values.length % rows !== 0) return undefined;
  const r = values.length / rows;
  if (!values.every((v, i) => v === Math.floor(i / r))) return undefined;
  const after = dataShape.slice(axis + 1);
  if (after.filter((d) => typeof d !== 'number').length > 1) return undefined;
  const target = [...new Array<number>(axis).fill(0), rows, r, ...after.map((d) => (typeof d === 'number' ? d : -1))];
  const grouped = ctx.g.op('Reshape', [gy, ctx.g.int64s(target)]);
  return ctx.g.op('ReduceSum', [grouped, ctx.g.int64s([axis + 1])], { keepdims: 0 });
}

// y = GatherElements(data, indices, axis): scatter-add the gradient back to the picked elements.
const gatherElements: VjpRule = (ctx) => {
  const [data, indices] = ctx.inputs as [string, string];
  const axis = normalAxis(intAttr(ctx, 'axis', 0), ctx.facts.shape(data).length);
  return [
    ctx.g.op('ScatterElements', [zerosLike(ctx, data), indices, gradOut(ctx)], { axis, reduction: 'add' }),
    undefined,
  ];
};

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(to - from, 0) }, (_, i) => from + i);
}

/** Indexing rules by op type. */
export const GATHER_RULES: Readonly<Record<string, VjpRule>> = { Gather: gather, GatherElements: gatherElements };
