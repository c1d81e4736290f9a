import { MllrError } from './errors.js';

/** The seven weight matrices of a decoder layer that ML-LR treats as modules, in canonical order. */
export const MODULE_TYPES = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;

/** One of q, k, v, o, gate, up, down. */
export type ModuleType = (typeof MODULE_TYPES)[number];

/** A module: one weight matrix of one layer, written `L3.q`. */
export interface ModuleRef {
  layer: number;
  type: ModuleType;
}

/** A module id string such as `L3.q` or `L0.down`. */
export type ModuleId = `L${number}.${ModuleType}`;

const MODULE_ID_PATTERN = /^L(0|[1-9]\d*)\.(q|k|v|o|gate|up|down)$/;

/** True when `value` is the id of a module type (q, k, …). */
export function isModuleType(value: string): value is ModuleType {
  return (MODULE_TYPES as readonly string[]).includes(value);
}

/** Formats a module as its id, `L{layer}.{type}`. */
export function formatModuleId(ref: ModuleRef): ModuleId {
  return `L${ref.layer}.${ref.type}`;
}

/** Parses `L3.q`; anything else is a MODULE_ID_INVALID error. */
export function parseModuleId(id: string): ModuleRef {
  const m = MODULE_ID_PATTERN.exec(id);
  if (!m) {
    throw new MllrError(
      'MODULE_ID_INVALID',
      `"${id}" is not a module id: expected L<layer>.<type> with type one of ${MODULE_TYPES.join(', ')} (for example L3.q)`,
    );
  }
  return { layer: Number(m[1]), type: m[2] as ModuleType };
}

/** Every module of a model with `numLayers` layers, layer-major, types in canonical order. */
export function allModuleIds(numLayers: number): ModuleId[] {
  const ids: ModuleId[] = [];
  for (let layer = 0; layer < numLayers; layer++) {
    for (const type of MODULE_TYPES) ids.push(formatModuleId({ layer, type }));
  }
  return ids;
}

/** Sorts module ids layer-major then by canonical type order (stable, for reproducible output). */
export function sortModuleIds<T extends string>(ids: readonly T[]): T[] {
  const key = (id: string): number => {
    const ref = parseModuleId(id);
    return ref.layer * MODULE_TYPES.length + MODULE_TYPES.indexOf(ref.type);
  };
  return [...ids].sort((a, b) => key(a) - key(b));
}

const HF_SUBMODULE: Record<ModuleType, string> = {
  q: 'self_attn.q_proj',
  k: 'self_attn.k_proj',
  v: 'self_attn.v_proj',
  o: 'self_attn.o_proj',
  gate: 'mlp.gate_proj',
  up: 'mlp.up_proj',
  down: 'mlp.down_proj',
};

/** Options that change which tensors make up a module. */
export interface TensorNameOptions {
  /** qwen2 checkpoints carry biases on q, k and v. */
  qkvBias?: boolean;
}

/**
 * The Hugging Face tensor names of a module, weight first (llama, qwen2 and mistral share the layout):
 * `L3.q` → `model.layers.3.self_attn.q_proj.weight` (+ `.bias` for q/k/v when the family has qkv bias).
 */
export function moduleTensorNames(id: string, options: TensorNameOptions = {}): string[] {
  const { layer, type } = parseModuleId(id);
  const base = `model.layers.${layer}.${HF_SUBMODULE[type]}`;
  const names = [`${base}.weight`];
  if (options.qkvBias && (type === 'q' || type === 'k' || type === 'v')) names.push(`${base}.bias`);
  return names;
}

const HF_NAME_PATTERN =
  /^model\.layers\.(0|[1-9]\d*)\.(self_attn\.[qkvo]_proj|mlp\.(?:gate|up|down)_proj)\.(weight|bias)$/;

/** The module a Hugging Face tensor belongs to, or undefined for non-module tensors (embeddings, norms, head). */
export function moduleIdForTensor(tensorName: string): ModuleId | undefined {
  const m = HF_NAME_PATTERN.exec(tensorName);
  if (!m) return undefined;
  const sub = m[2]!;
  const type = (Object.keys(HF_SUBMODULE) as ModuleType[]).find((t) => HF_SUBMODULE[t] === sub)!;
  return formatModuleId({ layer: Number(m[1]), type });
}

/**
 * Resolves module selectors against a model with `numLayers` layers. A selector is `L<layers>.<types>` where
 * layers is `*`, `3`, `0-2` or `0,2` and types is `*`, one type or `q|k|v`; a bare type (`gate`) means every layer.
 * A selector that matches nothing, or names a layer the model lacks, is an error: a silent no-op would hide a typo.
 */
export function resolveModuleSelectors(selectors: readonly string[], numLayers: number): ModuleId[] {
  const chosen = new Set<ModuleId>();
  for (const selector of selectors) {
    const matched = resolveOne(selector.trim(), numLayers);
    if (matched.length === 0) {
      throw new MllrError(
        'SELECTOR_EMPTY',
        `module selector "${selector}" matches no module of this ${numLayers}-layer model`,
      );
    }
    for (const id of matched) chosen.add(id);
  }
  return sortModuleIds([...chosen]);
}

function resolveOne(selector: string, numLayers: number): ModuleId[] {
  const dot = selector.indexOf('.');
  const layerPart = dot === -1 ? '*' : selector.slice(0, dot);
  const typePart = dot === -1 ? selector : selector.slice(dot + 1);
  if (dot !== -1 && !layerPart.startsWith('L')) throw invalidSelector(selector, 'the layer part must start with L');
  const layers = parseLayers(dot === -1 ? '*' : layerPart.slice(1), numLayers, selector);
  const types = parseTypes(typePart, selector);
  const ids: ModuleId[] = [];
  for (const layer of layers) for (const type of types) ids.push(formatModuleId({ layer, type }));
  return ids;
}

function parseLayers(text: string, numLayers: number, selector: string): number[] {
  if (text === '*') return Array.from({ length: numLayers }, (_, i) => i);
  const layers = new Set<number>();
  for (const part of text.split(',')) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!range) throw invalidSelector(selector, `"${part}" is not a layer, range (0-3) or *`);
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    if (to < from) throw invalidSelector(selector, `range ${part} runs backwards`);
    if (to >= numLayers) {
      throw new MllrError(
        'SELECTOR_EMPTY',
        `module selector "${selector}" names layer ${to}, but the model has layers 0-${numLayers - 1}`,
      );
    }
    for (let l = from; l <= to; l++) layers.add(l);
  }
  return [...layers].sort((a, b) => a - b);
}

function parseTypes(text: string, selector: string): ModuleType[] {
  if (text === '*') return [...MODULE_TYPES];
  const types = text.split('|');
  for (const t of types) {
    if (!isModuleType(t)) throw invalidSelector(selector, `"${t}" is not a module type (${MODULE_TYPES.join(', ')})`);
  }
  return MODULE_TYPES.filter((t) => types.includes(t));
}

function invalidSelector(selector: string, why: string): MllrError {
  return new MllrError('MODULE_ID_INVALID', `module selector "${selector}" is invalid: ${why}`);
}
