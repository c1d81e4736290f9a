import type { Attributes, GraphBuilder } from '../export/graph-builder.js';
import { FLOAT_TYPES, GraphFacts } from './graph-facts.js';
import { VJP_RULES } from './rules/index.js';
import { zerosLike, type VjpContext } from './vjp.js';

/**
 * Reverse-mode automatic differentiation over a {@link GraphBuilder}: appends to `g` the nodes that compute
 * d(loss)/d(v) for each value v in `wrt`, and returns v → the name of its gradient value (same shape and element
 * type as v).
 *
 * - `loss` is a float scalar (shape [] or any shape of one element) computed by nodes already in `g`.
 * - Only nodes on a path from a `wrt` value to `loss` get backward nodes; inputs off that path (frozen weights,
 *   int indices, masks, shapes) get no gradient work at all.
 * - Each op's gradient comes from its vector-Jacobian rule (see rules/); broadcast inputs are summed back to their
 *   shape with axes decided while building from static shapes ({@link GraphFacts}), so graph inputs should declare
 *   their dims (numbers, or symbols for dynamic axes).
 * - A `wrt` value the loss does not depend on gets zeros.
 * - An active node whose op has no rule is an error (the message names the op).
 *
 * Gradient values get generated names; rename them with `g.rename` for fixed output names (the returned names are
 * distinct from every forward value, but two `wrt` values may share one gradient value, e.g. both inputs of an Add).
 * Call `g.prune()` once the outputs are declared: a rewrite (the tied-embedding scatter) can leave a node unused.
 */
export function addGradients(g: GraphBuilder, loss: string, wrt: readonly string[]): Map<string, string> {
  const facts = new GraphFacts(g);
  const one = g.scalar(1, facts.elemType(loss));
  const seed = facts.of(loss).shape?.length === 0 ? one : g.op('Expand', [one, g.op('Shape', [loss])]);
  return addVjp(g, new Map([[loss, seed]]), wrt);
}

/**
 * The general form of {@link addGradients}: given gradients of some values (`cotangents`: value → gradient value
 * of the same shape, e.g. a loss's hand-written gradient with respect to the logits), appends the nodes that carry
 * them back to each `wrt` value: Σ over the given values of (their gradient)ᵀ · d(value)/d(wrt). The same rules
 * and pruning apply.
 */
export function addVjp(
  g: GraphBuilder,
  cotangents: ReadonlyMap<string, string>,
  wrt: readonly string[],
): Map<string, string> {
  const facts = new GraphFacts(g);
  // Nodes already in g (nodes that compute the given gradients included: nothing needed flows through them).
  const forward = g.nodes.slice();
  const isFloat = (v: string) => FLOAT_TYPES.has(facts.elemType(v)) && facts.of(v).elemType !== undefined;

  // Values that depend on a wrt value, then those of them that the seeded values depend on.
  const reached = new Set(wrt);
  for (const node of forward) {
    if (node.input!.some((i) => reached.has(i))) for (const o of node.output!) if (isFloat(o)) reached.add(o);
  }
  const needed = new Set(cotangents.keys());
  for (let n = forward.length - 1; n >= 0; n--) {
    const node = forward[n]!;
    if (node.output!.some((o) => needed.has(o))) for (const i of node.input!) if (reached.has(i)) needed.add(i);
  }
  for (const value of cotangents.keys()) {
    if (!reached.has(value)) throw new Error(`autodiff: ${value} does not depend on any of the values asked for`);
  }

  // Every op between the seeded values and a wrt value needs a rule; say which one lacks it before building.
  for (const node of forward) {
    if (!node.output!.some((o) => needed.has(o)) || !node.input!.some((i) => needed.has(i))) continue;
    if (!VJP_RULES.has(node.opType!)) {
      throw new Error(
        `autodiff: no gradient rule for ${node.opType} (node ${node.name}), which lies between the loss and a trained value`,
      );
    }
  }

  const contributions = new Map<string, string[]>();
  const contribute = (value: string, grad: string | undefined) => {
    if (grad === undefined) return;
    const list = contributions.get(value) ?? [];
    list.push(grad);
    contributions.set(value, list);
  };
  const total = (value: string): string | undefined => {
    const list = contributions.get(value);
    if (!list || list.length === 0) return undefined;
    if (list.length === 1) return list[0]!;
    const sum = scatterIntoRest(g, facts, list) ?? g.op('Sum', list);
    contributions.set(value, [sum]);
    return sum;
  };

  for (const [value, grad] of cotangents) contribute(value, grad);

  for (let n = forward.length - 1; n >= 0; n--) {
    const node = forward[n]!;
    const outputs = node.output!;
    if (!outputs.some((o) => needed.has(o))) continue;
    const gradOutputs = outputs.map((o) => (needed.has(o) ? total(o) : undefined));
    if (gradOutputs.every((gy) => gy === undefined)) continue;
    const inputs = node.input!;
    const needs = inputs.map((i) => needed.has(i) && reached.has(i));
    if (!needs.some(Boolean)) continue;
    const rule = VJP_RULES.get(node.opType!);
    if (!rule)
      throw new Error(
        `autodiff: no gradient rule for ${node.opType} (node ${node.name}), which lies between the loss and a trained value`,
      );
    facts.update();
    const ctx: VjpContext = { g, facts, node, inputs, outputs, gradOutputs, needs };
    const grads = rule(ctx);
    inputs.forEach((input, i) => {
      if (needs[i]) contribute(input, grads[i]);
    });
  }

  facts.update();
  const result = new Map<string, string>();
  for (const value of wrt) {
    const grad = total(value);
    result.set(value, grad ?? zerosLike({ g, facts }, value));
  }
  return result;
}

/**
 * A tied embedding's gradient is a scatter-add into zeros (from its Gather) plus the head's dense gradient: scatter
 * into the other contributions instead, saving a [vocab, hidden] zero tensor and a Sum over it. The replaced
 * scatter is left unused (`g.prune()` removes it). Undefined when no contribution is such a scatter.
 */
function scatterIntoRest(g: GraphBuilder, facts: GraphFacts, list: readonly string[]): string | undefined {
  facts.update();
  const at = list.findIndex((v) => {
    const node = facts.producer(v);
    return (
      (node?.opType === 'ScatterND' || node?.opType === 'ScatterElements') &&
      facts.producer(node.input![0]!)?.opType === 'ConstantOfShape'
    );
  });
  if (at < 0) return undefined;
  const scatter = facts.producer(list[at]!)!;
  const rest = list.filter((_, i) => i !== at);
  const base = rest.length === 1 ? rest[0]! : g.op('Sum', rest);
  const axis = scatter.attribute?.find((a) => a.name === 'axis');
  const attributes: Attributes =
    scatter.opType === 'ScatterElements' ? { axis: Number(axis?.i ?? 0), reduction: 'add' } : { reduction: 'add' };
  return g.op(scatter.opType!, [base, scatter.input![1]!, scatter.input![2]!], attributes);
}
