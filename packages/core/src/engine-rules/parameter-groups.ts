import type { OptimizerSettings, ParameterGroup } from '../contracts/training-engine.js';
import { MllrError } from '../errors.js';

/** Parameter groups checked against a model: each tensor's group and each group's current learning rate. */
export interface ResolvedGroups {
  groupOf: Map<string, ParameterGroup>;
  rates: Map<string, number>;
}

/**
 * Checks a training engine's `configure` arguments the same way for every engine: settings in range, group names
 * unique, rates and decay ≥ 0, every tensor named known and in one group only, and every tensor in some group
 * (except those `optional` says may be left out, such as a tied head stored twice).
 */
export function resolveParameterGroups(
  groups: readonly ParameterGroup[],
  tensors: readonly string[],
  settings: OptimizerSettings,
  optional: (tensor: string) => boolean = () => false,
): ResolvedGroups {
  checkOptimizerSettings(settings);
  const known = new Set(tensors);
  const groupOf = new Map<string, ParameterGroup>();
  const rates = new Map<string, number>();
  for (const group of groups) {
    if (rates.has(group.name))
      throw new MllrError('ARGUMENT_INVALID', `two parameter groups are named "${group.name}"`);
    if (!(group.learningRate >= 0) || !(group.weightDecay >= 0)) {
      throw new MllrError(
        'ARGUMENT_INVALID',
        `parameter group "${group.name}" needs a learning rate and weight decay ≥ 0`,
      );
    }
    rates.set(group.name, group.learningRate);
    for (const tensor of group.tensors) {
      if (!known.has(tensor))
        throw new MllrError(
          'ARGUMENT_INVALID',
          `parameter group "${group.name}" names ${tensor}, which the model does not have`,
        );
      const other = groupOf.get(tensor);
      if (other)
        throw new MllrError(
          'ARGUMENT_INVALID',
          `${tensor} is in both parameter groups "${other.name}" and "${group.name}"`,
        );
      groupOf.set(tensor, group);
    }
  }
  const missing = tensors.filter((name) => !groupOf.has(name) && !optional(name));
  if (missing.length > 0) {
    const more = missing.length > 5 ? ` and ${missing.length - 5} more` : '';
    throw new MllrError(
      'ARGUMENT_INVALID',
      `every weight must be in a parameter group; missing: ${missing.slice(0, 5).join(', ')}${more}`,
    );
  }
  return { groupOf, rates };
}

/** Applies `setLearningRates` to a resolved group set: only known groups, only rates ≥ 0. */
export function updateLearningRates(current: Map<string, number>, rates: Readonly<Record<string, number>>): void {
  for (const [name, rate] of Object.entries(rates)) {
    if (!current.has(name)) throw new MllrError('ARGUMENT_INVALID', `there is no parameter group "${name}"`);
    if (!(rate >= 0))
      throw new MllrError('ARGUMENT_INVALID', `learning rate of group "${name}" must be ≥ 0, got ${rate}`);
  }
  for (const [name, rate] of Object.entries(rates)) current.set(name, rate);
}

/** AdamW settings in range: β in [0, 1), ε ≥ 0, a clip ≥ 0 (0: none), whole accumulation ≥ 1. */
export function checkOptimizerSettings(s: OptimizerSettings): void {
  const bad = (what: string, value: unknown) =>
    new MllrError('ARGUMENT_INVALID', `optimizer setting ${what}, got ${String(value)}`);
  if (!(s.beta1 >= 0 && s.beta1 < 1)) throw bad('beta1 must be in [0, 1)', s.beta1);
  if (!(s.beta2 >= 0 && s.beta2 < 1)) throw bad('beta2 must be in [0, 1)', s.beta2);
  if (!(s.epsilon >= 0)) throw bad('epsilon must be ≥ 0', s.epsilon);
  if (!(s.maxGradNorm >= 0)) throw bad('maxGradNorm must be ≥ 0 (0 disables clipping)', s.maxGradNorm);
  if (!Number.isInteger(s.gradientAccumulation) || s.gradientAccumulation < 1) {
    throw bad('gradientAccumulation must be a whole number ≥ 1', s.gradientAccumulation);
  }
}
