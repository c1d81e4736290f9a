import { join } from 'node:path';
import {
  MODULE_TYPES,
  MllrError,
  writeFileAtomic,
  type LoraSettings,
  type ModelArchitecture,
  type ModuleType,
  type NamedTensor,
} from '@mllr/core';
import { isFile } from '../files/file-exists.js';
import { readJsonFile } from '../files/read-json-file.js';
import { readSafetensors } from '../safetensors/read-safetensors.js';
import { writeSafetensors } from '../safetensors/write-safetensors.js';
import { loraShapes } from './lora-tensors.js';

/** PEFT's adapter config file. */
export const PEFT_CONFIG_FILE = 'adapter_config.json';
/** PEFT's adapter weights file. */
export const PEFT_WEIGHTS_FILE = 'adapter_model.safetensors';

/**
 * What PEFT puts before a causal LM's own tensor names: `PeftModel.base_model` (the LoraModel) holds the
 * transformers model as `.model`, and get_peft_model_state_dict keeps those keys, dropping only the adapter name
 * (`lora_A.default.weight` → `lora_A.weight`).
 */
export const PEFT_PREFIX = 'base_model.model.';

/** The PEFT module name of each module type (the last part of its Hugging Face name). */
export const PEFT_TARGET_NAMES: Readonly<Record<ModuleType, string>> = {
  q: 'q_proj',
  k: 'k_proj',
  v: 'v_proj',
  o: 'o_proj',
  gate: 'gate_proj',
  up: 'up_proj',
  down: 'down_proj',
};

/** An adapter tensor's PEFT name: `model.layers.0.self_attn.q_proj.lora_A.weight` → `base_model.model.model.layers.0…`. */
export function peftTensorName(name: string): string {
  return `${PEFT_PREFIX}${name}`;
}

/** A LoRA adapter read from a PEFT folder: its settings and tensors by mllr's adapter names (PEFT's, without the prefix). */
export interface PeftAdapter {
  settings: LoraSettings;
  tensors: Map<string, Float32Array>;
  /** `base_model_name_or_path` as recorded, when present. */
  baseModel?: string;
}

/** What {@link writePeftAdapter} writes. */
export interface PeftAdapterContents {
  settings: LoraSettings;
  /** Adapter tensors by mllr's names, in any order (written in module order). */
  tensors: ReadonlyMap<string, Float32Array>;
  baseModel: string;
}

/**
 * Writes `dir/adapter_config.json` and `dir/adapter_model.safetensors` (F32) as PEFT saves a LoRA adapter of a
 * causal LM, so `PeftModel.from_pretrained(model, dir)` loads it: lora_A.weight [r, in] and lora_B.weight [out, r]
 * per targeted module, named `base_model.model.<module>.lora_A.weight`.
 */
export async function writePeftAdapter(
  dir: string,
  arch: ModelArchitecture,
  contents: PeftAdapterContents,
): Promise<void> {
  const { settings } = contents;
  const shapes = loraShapes(arch, settings);
  const list: NamedTensor[] = [];
  for (const [name, shape] of shapes) {
    const data = contents.tensors.get(name);
    if (!data) throw new MllrError('ARGUMENT_INVALID', `cannot write the adapter: tensor ${name} is missing`);
    list.push({ name: peftTensorName(name), shape, data });
  }
  await writeSafetensors(join(dir, PEFT_WEIGHTS_FILE), list);
  const config = {
    alpha_pattern: {},
    auto_mapping: null,
    base_model_name_or_path: contents.baseModel,
    bias: 'none',
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: true,
    layers_pattern: null,
    layers_to_transform: null,
    lora_alpha: settings.alpha,
    lora_dropout: settings.dropout,
    modules_to_save: null,
    peft_type: 'LORA',
    r: settings.r,
    rank_pattern: {},
    revision: null,
    target_modules: settings.targets.map((t) => PEFT_TARGET_NAMES[t]),
    task_type: 'CAUSAL_LM',
    use_dora: false,
    use_rslora: settings.rslora,
  };
  await writeFileAtomic(join(dir, PEFT_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
}

/**
 * Reads a PEFT LoRA adapter folder for a model of `arch`. Options mllr does not implement are refused by name
 * (DoRA, `modules_to_save`, bias training, fan_in_fan_out, per-layer rank or alpha patterns, `layers_to_transform`),
 * as are tensors of anything but q/k/v/o/gate/up/down. Targets come from `target_modules` when it is a list, else
 * from the tensors present; every targeted module of every layer must have A [r, in] and B [out, r].
 */
export async function readPeftAdapter(dir: string, arch: ModelArchitecture): Promise<PeftAdapter> {
  const configFile = join(dir, PEFT_CONFIG_FILE);
  const weightsFile = join(dir, PEFT_WEIGHTS_FILE);
  if (!(await isFile(configFile)))
    throw new MllrError(
      'CHECKPOINT_INVALID',
      `${dir}: no ${PEFT_CONFIG_FILE} (a PEFT LoRA adapter folder is expected)`,
    );
  if (!(await isFile(weightsFile))) {
    const pickle = await isFile(join(dir, 'adapter_model.bin'));
    throw new MllrError(
      pickle ? 'CHECKPOINT_UNSUPPORTED' : 'CHECKPOINT_INVALID',
      pickle
        ? `${dir}: only adapter_model.bin (pickle), which mllr never loads; save the adapter with safe_serialization`
        : `${dir}: no ${PEFT_WEIGHTS_FILE}`,
    );
  }
  const raw = await readJsonFile(configFile);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new MllrError('CHECKPOINT_INVALID', `${configFile}: not a JSON object`);
  const c = raw as Record<string, unknown>;
  const refuse = (what: string) =>
    new MllrError('CHECKPOINT_UNSUPPORTED', `${configFile}: ${what} is not supported by mllr`);
  if (c.peft_type !== 'LORA')
    throw new MllrError(
      'CHECKPOINT_UNSUPPORTED',
      `${configFile}: peft_type is ${JSON.stringify(c.peft_type)}; mllr reads LORA adapters only`,
    );
  if (c.use_dora === true) throw refuse('DoRA (use_dora: true)');
  if (Array.isArray(c.modules_to_save) ? c.modules_to_save.length > 0 : c.modules_to_save != null)
    throw refuse(`modules_to_save (${JSON.stringify(c.modules_to_save)})`);
  if (c.bias !== undefined && c.bias !== 'none')
    throw refuse(`bias training (bias: ${JSON.stringify(c.bias)}; only "none")`);
  if (c.fan_in_fan_out === true) throw refuse('fan_in_fan_out: true');
  for (const key of ['rank_pattern', 'alpha_pattern'] as const) {
    const v = c[key];
    if (v != null && (typeof v !== 'object' || Object.keys(v).length > 0))
      throw refuse(`${key} (per-module ranks or alphas)`);
  }
  if (c.layers_to_transform != null) throw refuse('layers_to_transform (adapters on some layers only)');
  const r = c.r;
  const alpha = c.lora_alpha;
  if (typeof r !== 'number' || !Number.isInteger(r) || r < 1)
    throw new MllrError('CHECKPOINT_INVALID', `${configFile}: r must be a positive integer, got ${JSON.stringify(r)}`);
  if (typeof alpha !== 'number' || !(alpha > 0))
    throw new MllrError(
      'CHECKPOINT_INVALID',
      `${configFile}: lora_alpha must be a number > 0, got ${JSON.stringify(alpha)}`,
    );
  const dropout = typeof c.lora_dropout === 'number' ? c.lora_dropout : 0;

  const stored = await readSafetensors(weightsFile);
  const tensors = new Map<string, Float32Array>();
  const typesPresent = new Set<ModuleType>();
  for (const [name, t] of stored) {
    const m =
      /^base_model\.model\.(model\.layers\.\d+\.(?:self_attn|mlp)\.(q|k|v|o|gate|up|down)_proj\.lora_[AB]\.weight)$/.exec(
        name,
      );
    if (!m)
      throw new MllrError(
        'CHECKPOINT_UNSUPPORTED',
        `${weightsFile}: tensor ${name} is not the lora_A or lora_B weight of a q/k/v/o/gate/up/down projection`,
      );
    tensors.set(m[1]!, t.data);
    typesPresent.add(m[2] as ModuleType);
  }
  const targets = targetTypes(c.target_modules, typesPresent, configFile);
  const settings: LoraSettings = { r, alpha, dropout, targets, rslora: c.use_rslora === true };
  const shapes = loraShapes(arch, settings);
  for (const [name, shape] of shapes) {
    const t = stored.get(peftTensorName(name));
    if (!t)
      throw new MllrError(
        'CHECKPOINT_INVALID',
        `${weightsFile}: tensor ${peftTensorName(name)} is missing (target_modules names its module type)`,
      );
    if (t.shape.length !== 2 || t.shape[0] !== shape[0] || t.shape[1] !== shape[1]) {
      throw new MllrError(
        'CHECKPOINT_INVALID',
        `${weightsFile}: tensor ${peftTensorName(name)} has shape [${t.shape}]; this model and r = ${r} need [${shape}]`,
      );
    }
  }
  for (const name of tensors.keys()) {
    if (!shapes.has(name))
      throw new MllrError(
        'CHECKPOINT_INVALID',
        `${weightsFile}: tensor ${peftTensorName(name)} belongs to no module of this ${arch.numLayers}-layer model's targets`,
      );
  }
  return {
    settings,
    tensors,
    ...(typeof c.base_model_name_or_path === 'string' ? { baseModel: c.base_model_name_or_path } : {}),
  };
}

/** Module types from `target_modules`: a list of PEFT names (q_proj, …), or, for a string pattern, the types present. */
function targetTypes(value: unknown, present: ReadonlySet<ModuleType>, file: string): ModuleType[] {
  if (!Array.isArray(value)) return MODULE_TYPES.filter((t) => present.has(t));
  const byName = new Map(Object.entries(PEFT_TARGET_NAMES).map(([type, name]) => [name, type as ModuleType]));
  const types = new Set<ModuleType>();
  for (const name of value) {
    const type = typeof name === 'string' ? byName.get(name) : undefined;
    if (!type)
      throw new MllrError(
        'CHECKPOINT_UNSUPPORTED',
        `${file}: target module ${JSON.stringify(name)} is not one of ${[...byName.keys()].join(', ')}`,
      );
    types.add(type);
  }
  return MODULE_TYPES.filter((t) => types.has(t));
}
