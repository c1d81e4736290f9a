import { FLOAT_TYPES } from '../graph-facts.js';
import { gradOut, scalarLike, shapesOf, unbroadcast, type VjpRule } from '../vjp.js';

// Rules for element-wise ops. Binary ops broadcast (numpy rules), so each input's gradient is summed back to its
// own shape with `unbroadcast`.

const add: VjpRule = (ctx) => {
  const gy = gradOut(ctx);
  const { ins, out } = shapesOf(ctx);
  return ctx.inputs.map((_, i) => (ctx.needs[i] ? unbroadcast(ctx, gy, out, ins[i]!) : undefined));
};

const sub: VjpRule = (ctx) => {
  const gy = gradOut(ctx);
  const { ins, out } = shapesOf(ctx);
  return [
    ctx.needs[0] ? unbroadcast(ctx, gy, out, ins[0]!) : undefined,
    ctx.needs[1] ? ctx.g.op('Neg', [unbroadcast(ctx, gy, out, ins[1]!)]) : undefined,
  ];
};

const mul: VjpRule = (ctx) => {
  const gy = gradOut(ctx);
  const [a, b] = ctx.inputs as [string, string];
  const { ins, out } = shapesOf(ctx);
  return [
    ctx.needs[0] ? unbroadcast(ctx, ctx.g.op('Mul', [gy, b]), out, ins[0]!) : undefined,
    ctx.needs[1] ? unbroadcast(ctx, ctx.g.op('Mul', [gy, a]), out, ins[1]!) : undefined,
  ];
};

// y = a / b: ∂a = gy / b, ∂b = −gy·y / b.
const div: VjpRule = (ctx) => {
  const gy = gradOut(ctx);
  const [, b] = ctx.inputs as [string, string];
  const { ins, out } = shapesOf(ctx);
  const ga = ctx.needs[0] || ctx.needs[1] ? ctx.g.op('Div', [gy, b]) : undefined;
  return [
    ctx.needs[0] ? unbroadcast(ctx, ga!, out, ins[0]!) : undefined,
    ctx.needs[1]
      ? ctx.g.op('Neg', [unbroadcast(ctx, ctx.g.op('Mul', [ga!, ctx.outputs[0]!]), out, ins[1]!)])
      : undefined,
  ];
};

// y = x^c with c not differentiated (RMSNorm's square): ∂x = gy·c·x^(c−1).
const pow: VjpRule = (ctx) => {
  if (ctx.needs[1])
    throw new Error(
      `autodiff: Pow node ${ctx.node.name} has an exponent that needs a gradient; only constant exponents are supported`,
    );
  const gy = gradOut(ctx);
  const [x, c] = ctx.inputs as [string, string];
  const { ins, out } = shapesOf(ctx);
  const known = ctx.facts.floatsOf(c);
  let local: string;
  if (known?.length === 1 && known[0] === 2) local = ctx.g.op('Mul', [x, scalarLike(ctx, 2, x)]);
  else if (known?.length === 1 && known[0] === 1) return [gy, undefined];
  else if (known?.length === 1)
    local = ctx.g.op('Mul', [ctx.g.op('Pow', [x, scalarLike(ctx, known[0]! - 1, x)]), scalarLike(ctx, known[0]!, x)]);
  else local = ctx.g.op('Mul', [ctx.g.op('Pow', [x, ctx.g.op('Sub', [c, scalarLike(ctx, 1, x)])]), c]);
  return [unbroadcast(ctx, ctx.g.op('Mul', [gy, local]), out, ins[0]!), undefined];
};

const sqrt: VjpRule = (ctx) => [
  ctx.g.op('Mul', [ctx.g.op('Div', [gradOut(ctx), ctx.outputs[0]!]), scalarLike(ctx, 0.5, ctx.inputs[0]!)]),
];

const reciprocal: VjpRule = (ctx) => {
  const y = ctx.outputs[0]!;
  return [ctx.g.op('Neg', [ctx.g.op('Mul', [gradOut(ctx), ctx.g.op('Mul', [y, y])])])];
};

const neg: VjpRule = (ctx) => [ctx.g.op('Neg', [gradOut(ctx)])];
const identity: VjpRule = (ctx) => [gradOut(ctx)];
const exp: VjpRule = (ctx) => [ctx.g.op('Mul', [gradOut(ctx), ctx.outputs[0]!])];
const log: VjpRule = (ctx) => [ctx.g.op('Div', [gradOut(ctx), ctx.inputs[0]!])];

// σ' = y(1 − y).
const sigmoid: VjpRule = (ctx) => {
  const y = ctx.outputs[0]!;
  const local = ctx.g.op('Mul', [y, ctx.g.op('Sub', [scalarLike(ctx, 1, y), y])]);
  return [ctx.g.op('Mul', [gradOut(ctx), local])];
};

const tanh: VjpRule = (ctx) => {
  const y = ctx.outputs[0]!;
  return [ctx.g.op('Mul', [gradOut(ctx), ctx.g.op('Sub', [scalarLike(ctx, 1, y), ctx.g.op('Mul', [y, y])])])];
};

// Only float → float casts carry a gradient (cast back to the input's type); int/bool inputs are never active.
const cast: VjpRule = (ctx) => {
  const type = ctx.facts.elemType(ctx.inputs[0]!);
  if (!FLOAT_TYPES.has(type)) return [undefined];
  return [ctx.g.op('Cast', [gradOut(ctx)], { to: type })];
};

// y = cond ? a : b: the gradient goes to the branch that was taken.
const where: VjpRule = (ctx) => {
  const gy = gradOut(ctx);
  const [cond] = ctx.inputs as [string];
  const { ins, out } = shapesOf(ctx);
  const zero = scalarLike(ctx, 0, gy);
  return [
    undefined,
    ctx.needs[1] ? unbroadcast(ctx, ctx.g.op('Where', [cond, gy, zero]), out, ins[1]!) : undefined,
    ctx.needs[2] ? unbroadcast(ctx, ctx.g.op('Where', [cond, zero, gy]), out, ins[2]!) : undefined,
  ];
};

const expand: VjpRule = (ctx) => {
  const { ins, out } = shapesOf(ctx);
  return [unbroadcast(ctx, gradOut(ctx), out, ins[0]!), undefined];
};

/** Element-wise rules by op type. */
export const ELEMENTWISE_RULES: Readonly<Record<string, VjpRule>> = {
  Add: add,
  Sum: add,
  Sub: sub,
  Mul: mul,
  Div: div,
  Pow: pow,
  Sqrt: sqrt,
  Reciprocal: reciprocal,
  Neg: neg,
  Identity: identity,
  Exp: exp,
  Log: log,
  Sigmoid: sigmoid,
  Tanh: tanh,
  Cast: cast,
  Where: where,
  Expand: expand,
};
