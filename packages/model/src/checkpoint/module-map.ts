import {
  MllrError,
  allModuleIds,
  moduleIdForTensor,
  moduleTensorNames,
  type ModelArchitecture,
  type ModuleId,
} from '@mllr/core';

/** The modules of a model (one weight matrix of one layer each) and the tensors that make them up. */
export interface ModuleMap {
  /** Every module, layer-major, types in canonical order (q, k, v, o, gate, up, down). */
  readonly modules: ModuleId[];
  /** The tensor names of a module, weight first; an id the model lacks is MODULE_ID_INVALID. */
  tensorsOf(id: ModuleId): string[];
  /** The module a tensor belongs to; undefined for embeddings, norms, the head and names the model lacks. */
  moduleOf(tensorName: string): ModuleId | undefined;
}

/** Maps every module of `arch` to its tensors, checking that each of them is among `tensorNames`. */
export function buildModuleMap(arch: ModelArchitecture, tensorNames: Iterable<string>): ModuleMap {
  const present = new Set(tensorNames);
  const modules = allModuleIds(arch.numLayers);
  const byModule = new Map<ModuleId, string[]>();
  const owner = new Map<string, ModuleId>();
  const missing: string[] = [];
  for (const id of modules) {
    const names = moduleTensorNames(id, { qkvBias: arch.qkvBias });
    for (const name of names) {
      if (!present.has(name)) missing.push(name);
      owner.set(name, id);
    }
    byModule.set(id, names);
  }
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).join(', ') + (missing.length > 5 ? `, and ${missing.length - 5} more` : '');
    throw new MllrError('CHECKPOINT_INVALID', `module tensors missing from the checkpoint: ${shown}`);
  }
  return {
    modules,
    tensorsOf(id) {
      const names = byModule.get(id);
      if (!names) {
        throw new MllrError(
          'MODULE_ID_INVALID',
          `this ${arch.numLayers}-layer model has no module "${id}" (layers 0-${arch.numLayers - 1})`,
        );
      }
      return [...names];
    },
    moduleOf(tensorName) {
      const id = moduleIdForTensor(tensorName);
      return id !== undefined && owner.get(tensorName) === id ? id : undefined;
    },
  };
}
