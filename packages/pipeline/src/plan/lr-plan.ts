import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MllrError, type LoraSettings } from '@mllr/core';
import { PEFT_TARGET_NAMES, peftTensorName } from '@mllr/model';
import type { BaseArtifact, IftArtifact } from '../stages/ml-lr/artifacts.js';

/** The strategy `mllr export-plan` exports unless told otherwise: the paper's method. */
export const DEFAULT_PLAN_STRATEGY = 'ml-lr';

/** One parameter group of a plan: tensors (Hugging Face names) and the base rate they trained at. */
export interface PlanGroup {
  name: string;
  learningRate: number;
  weightDecay: number;
  tensors: string[];
}

/** The learning-rate plan one fine-tuning run of a finished run folder trained with, read from its record. */
export interface LrPlan {
  baseModel: string;
  /** The run id whose record this is (`ml-lr`, `random-control`, `ml-lr#2`…). */
  strategy: string;
  /** The schedule plugin that produced it. */
  schedule: string;
  /** The robust set the run's schedule was given. */
  modsRobust: string[];
  /** Every group the run trained, at its base rate (rate-0 groups included). */
  groups: PlanGroup[];
  /** How the base rates were scaled over the steps (RatePlan.shape). */
  shape: Record<string, string | number>;
  /** The LoRA adapter the run trained, when it trained one: the groups then name adapter tensors. */
  adapter?: LoraSettings;
}

/**
 * Reads the plan a fine-tuning run actually trained with from `ift/<strategy>.json` (written by the ift stage from
 * the schedule's own `plan()`), so no rule is restated here: the exported rates are the evaluated rates.
 */
export async function readLrPlan(runDir: string, strategy: string = DEFAULT_PLAN_STRATEGY): Promise<LrPlan> {
  // Run ids: a strategy id, `@value` of a sweep, `~set` of a count, `#seed` (`random-control@0.05~2#3`).
  if (!/^[\w.#@~-]+$/.test(strategy))
    throw new MllrError(
      'ARGUMENT_INVALID',
      `--strategy ${JSON.stringify(strategy)} is not a run id (letters, digits, . _ - # @ ~)`,
    );
  const base = await readJson<Partial<BaseArtifact>>(
    join(runDir, 'base.json'),
    'export-plan needs a run that finished its fine-tuning stage',
  );
  const recordFile = join(runDir, 'ift', `${strategy}.json`);
  const record = await readJson<Partial<IftArtifact>>(
    recordFile,
    `no fine-tuning run "${strategy}" in this run folder${await knownRuns(runDir)}`,
  );
  if (typeof base.model !== 'string') throw invalid(runDir, 'base.json has no model');
  if (!Array.isArray(record.groups) || record.groups.length === 0) {
    throw invalid(
      runDir,
      `ift/${strategy}.json records no parameter groups (it was written by an older mllr); rerun the ift stage with --force`,
    );
  }
  const groups = record.groups.map((g, i) => {
    const where = `ift/${strategy}.json groups[${i}]`;
    if (
      typeof g?.name !== 'string' ||
      !Number.isFinite(g.learning_rate) ||
      !Number.isFinite(g.weight_decay) ||
      !Array.isArray(g.tensors)
    ) {
      throw invalid(runDir, `${where} needs name, learning_rate, weight_decay and tensors`);
    }
    return { name: g.name, learningRate: g.learning_rate, weightDecay: g.weight_decay, tensors: [...g.tensors].sort() };
  });
  const seen = new Map<string, string>();
  for (const group of groups) {
    for (const tensor of group.tensors) {
      const other = seen.get(tensor);
      if (other !== undefined)
        throw invalid(runDir, `ift/${strategy}.json puts ${tensor} in two groups (${other}, ${group.name})`);
      seen.set(tensor, group.name);
    }
  }
  return {
    baseModel: base.model,
    strategy,
    schedule: typeof record.schedule === 'string' ? record.schedule : 'unknown',
    modsRobust: Array.isArray(record.mods_robust) ? [...record.mods_robust] : [],
    groups,
    shape: record.rate_shape ?? {},
    ...(record.adapter
      ? {
          adapter: {
            r: record.adapter.r,
            alpha: record.adapter.alpha,
            dropout: record.adapter.dropout,
            targets: record.adapter.targets,
            rslora: record.adapter.rslora,
          },
        }
      : {}),
  };
}

/** The module path of a tensor (its name without `.weight` / `.bias`, or an adapter's `.lora_A.weight`), the unit Axolotl's lr_groups match. */
function modulePath(tensor: string): string {
  return tensor.replace(/(\.lora_[AB])?\.(weight|bias)$/, '');
}

/**
 * An Axolotl config fragment giving every tensor its recorded rate: `learning_rate` is the rate of the group with the
 * most tensors, and each group at another rate becomes an `lr_groups` entry listing its module paths. The shape and
 * any phases are stated in comments, since Axolotl sets them with its own scheduler keys.
 */
export function formatAxolotlPlan(plan: LrPlan, runDir: string): string {
  const byModule = new Map<string, PlanGroup>();
  for (const group of plan.groups) {
    for (const tensor of group.tensors) {
      const module = modulePath(tensor);
      const other = byModule.get(module);
      if (other !== undefined && other.learningRate !== group.learningRate) {
        throw new MllrError(
          'ARGUMENT_INVALID',
          `${module} has tensors at two rates (${other.name}, ${group.name}); Axolotl's lr_groups set one rate per module: use --format torch`,
        );
      }
      byModule.set(module, group);
    }
  }
  const main = [...plan.groups].sort((a, b) => b.tensors.length - a.tensors.length)[0];
  const decays = new Set(plan.groups.map((g) => g.weightDecay));
  const lines = [
    `# Learning-rate plan of the "${plan.strategy}" run (${plan.schedule} schedule) in mllr run ${runDir}`,
    `# base model: ${plan.baseModel}; robust set: ${plan.modsRobust.join(' ') || '(none)'}`,
    '# Every tensor gets the base rate that run trained it with. Axolotl trains every parameter at learning_rate and',
    "# the modules of each lr_groups entry at that entry's rate.",
    ...shapeComments(plan.shape),
    ...(plan.adapter ? axolotlAdapterLines(plan.adapter) : []),
    `learning_rate: ${main?.learningRate ?? 0}`,
    `weight_decay: ${[...decays][0] ?? 0}`,
  ];
  if (decays.size > 1)
    lines.push(
      `# groups differ in weight decay (${plan.groups.map((g) => `${g.name} ${g.weightDecay}`).join(', ')}): use --format torch`,
    );
  const others = plan.groups.filter((g) => g !== main && g.learningRate !== main?.learningRate);
  if (others.length > 0) {
    lines.push('lr_groups:');
    for (const group of others) {
      lines.push(
        `  - name: ${group.name}`,
        '    modules:',
        ...[...new Set(group.tensors.map(modulePath))].map((m) => `      - ${m}`),
        `    lr: ${group.learningRate}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Axolotl's LoRA keys for the run's adapter, and what the fragment cannot promise: its lr_groups list module paths,
 * which under PEFT are the paths of each module's lora_A / lora_B parameters; mllr has not checked that Axolotl's
 * optimizer applies lr_groups to adapter parameters, and a group at rate 0 (freeze) is a rate of 0, not a frozen adapter.
 */
function axolotlAdapterLines(adapter: LoraSettings): string[] {
  return [
    "# This run trained a LoRA adapter (W frozen): the groups below are its adapters' module paths. Axolotl sets the adapter",
    '# with the keys that follow; whether its lr_groups reach the lora_A/lora_B parameters of those modules is not',
    '# checked by mllr, and a group at lr 0 keeps optimizer state instead of freezing. --format torch is exact.',
    'adapter: lora',
    `lora_r: ${adapter.r}`,
    `lora_alpha: ${adapter.alpha}`,
    `lora_dropout: ${adapter.dropout}`,
    'lora_target_modules:',
    ...adapter.targets.map((t) => `  - ${PEFT_TARGET_NAMES[t]}`),
    ...(adapter.rslora ? ['peft_use_rslora: true'] : []),
  ];
}

function shapeComments(shape: Record<string, string | number>): string[] {
  const lines: string[] = [];
  const { shape: name, warmup_steps: warmup, min_ratio: minRatio, robust_only_steps: robustOnly } = shape;
  if (name !== undefined && (name !== 'constant' || (typeof warmup === 'number' && warmup > 0))) {
    lines.push(
      `# shape over the steps: ${name}, warm-up ${warmup ?? 0} steps, min ratio ${minRatio ?? 0} (set Axolotl's lr_scheduler and warmup_steps to match)`,
    );
  }
  if (typeof robustOnly === 'number' && robustOnly > 0) {
    lines.push(
      `# the run's first ${robustOnly} steps trained only the robust set (every other group at 0); lr_groups cannot express that phase`,
    );
  }
  return lines;
}

/** PyTorch optimizer parameter groups by Hugging Face parameter name, as JSON: the recorded groups as they are. */
export function formatTorchPlan(plan: LrPlan): string {
  return `${JSON.stringify(
    {
      format: 'mllr-lr-plan/v1',
      base_model: plan.baseModel,
      strategy: plan.strategy,
      schedule: plan.schedule,
      mods_robust: plan.modsRobust,
      rate_shape: plan.shape,
      ...(plan.adapter
        ? {
            adapter: {
              peft_type: 'LORA',
              r: plan.adapter.r,
              lora_alpha: plan.adapter.alpha,
              lora_dropout: plan.adapter.dropout,
              target_modules: plan.adapter.targets.map((t) => PEFT_TARGET_NAMES[t]),
              use_rslora: plan.adapter.rslora,
              note: 'params are the named_parameters() of a PEFT model (get_peft_model) of the base, adapter name removed: insert ".default" before ".weight" to match a model whose adapter is named "default"',
            },
          }
        : {}),
      param_groups: plan.groups.map((g) => ({
        name: g.name,
        params: plan.adapter ? g.tensors.map(peftTensorName) : g.tensors,
        lr: g.learningRate,
        weight_decay: g.weightDecay,
      })),
    },
    null,
    2,
  )}\n`;
}

async function knownRuns(runDir: string): Promise<string> {
  try {
    const runs = (await readdir(join(runDir, 'ift'))).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
    return runs.length > 0 ? ` (runs: ${runs.sort().join(', ')})` : '';
  } catch {
    return '';
  }
}

async function readJson<T>(file: string, hint: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new MllrError('RUN_FOLDER_INVALID', `${file} is missing; ${hint}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new MllrError('RUN_FOLDER_INVALID', `${file} is not valid JSON: ${(error as Error).message}`);
  }
}

function invalid(runDir: string, what: string): MllrError {
  return new MllrError('RUN_FOLDER_INVALID', `run ${runDir}: ${what}`);
}
