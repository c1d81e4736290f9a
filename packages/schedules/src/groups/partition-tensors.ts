import { MllrError, type LrScheduleContext, type ModuleId } from '@mllr/core';
import type { PerGroup } from './group-names.js';

/**
 * Splits every trainable tensor into `robust` (tensors of Mods_Robust), `rest` (tensors of the other modules) and
 * `other` (tensors of no module), each in the order of `context.tensors`; every tensor lands in exactly one.
 * Inconsistent input is an ARGUMENT_INVALID error rather than a silently untrained or doubly trained tensor: a robust
 * module the model lacks (a stale or mistyped robust set), a module tensor missing from the trainable tensors, or a
 * tensor claimed by two modules.
 */
export function partitionTensors(context: LrScheduleContext): PerGroup<string[]> {
  const modules = new Set<ModuleId>(context.modules);
  const unknown = [...new Set(context.robust)].filter((id) => !modules.has(id));
  if (unknown.length > 0) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `the robust set names ${unknown.length === 1 ? 'a module' : 'modules'} the model does not have: ${unknown.join(', ')}`,
    );
  }
  const trainable = new Set(context.tensors);
  const owner = new Map<string, ModuleId>();
  for (const module of modules) {
    for (const tensor of context.tensorsOf(module)) {
      if (!trainable.has(tensor)) {
        throw new MllrError(
          'ARGUMENT_INVALID',
          `tensor ${tensor} of module ${module} is not among the trainable tensors`,
        );
      }
      const first = owner.get(tensor);
      if (first !== undefined && first !== module) {
        throw new MllrError('ARGUMENT_INVALID', `tensor ${tensor} belongs to both modules ${first} and ${module}`);
      }
      owner.set(tensor, module);
    }
  }
  const robust = new Set<ModuleId>(context.robust);
  const groups: PerGroup<string[]> = { robust: [], rest: [], other: [] };
  // A Set keeps the first occurrence of a repeated name, so a tensor listed twice is still placed once.
  for (const tensor of trainable) {
    const module = owner.get(tensor);
    const group = module === undefined ? 'other' : robust.has(module) ? 'robust' : 'rest';
    groups[group].push(tensor);
  }
  return groups;
}
