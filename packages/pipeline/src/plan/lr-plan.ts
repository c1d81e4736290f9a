import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MllrError, moduleIdForTensor, type RunConfig } from '@mllr/core';
import { loadModelConfig, readSafetensorsHeader, WEIGHTS_FILE } from '@mllr/model';
import { MlLrSchedule } from '@mllr/schedules';
import { resolveModelDir } from '../engines/resolve-model-dir.js';

/** The learning-rate plan of a finished run: which tensors train at which rate. */
export interface LrPlan {
  baseModel: string;
  modsRobust: string[];
  /** Rate of Mods_Robust's tensors. */
  robustLr: number;
  /** Rate of every other module's tensors (α·lr). */
  restLr: number;
  /** Rate of non-module tensors (embeddings, norms, head); mllr's default rule puts them with the rest. */
  otherLr: number;
  weightDecay: number;
  groups: { robust: string[]; rest: string[]; other: string[] };
}

/**
 * Reads a run folder's summary.json (Mods_Robust, base model) and config.resolved.json (learning rate, the ml-lr
 * strategy's options), and splits the base model's tensors into the plan's groups. Every tensor named exists in the
 * model: the names come from its safetensors header.
 */
export async function readLrPlan(runDir: string): Promise<LrPlan> {
  const summary = await readJson<{ base_model?: unknown; mods_robust?: unknown }>(join(runDir, 'summary.json'));
  const config = await readJson<RunConfig>(join(runDir, 'config.resolved.json'));
  if (typeof summary.base_model !== 'string') throw invalid(runDir, 'summary.json has no base_model');
  if (!Array.isArray(summary.mods_robust) || !summary.mods_robust.every((m) => typeof m === 'string')) {
    throw invalid(runDir, 'summary.json has no mods_robust list');
  }
  const modelDir = resolveModelDir(summary.base_model, runDir);
  const architecture = await loadModelConfig(modelDir);
  const header = await readSafetensorsHeader(join(modelDir, WEIGHTS_FILE));
  const tensors = [...header.tensors.keys()].filter((n) => !(n === 'lm_head.weight' && architecture.tieWordEmbeddings)).sort();
  const robustSet = new Set(summary.mods_robust as string[]);
  const groups = { robust: [] as string[], rest: [] as string[], other: [] as string[] };
  for (const name of tensors) {
    const module = moduleIdForTensor(name);
    if (module === undefined) groups.other.push(name);
    else (robustSet.has(module) ? groups.robust : groups.rest).push(name);
  }
  const missing = [...robustSet].filter((m) => !tensors.some((t) => moduleIdForTensor(t) === m));
  if (missing.length > 0) throw invalid(runDir, `mods_robust names modules the model lacks: ${missing.join(', ')}`);

  const lr = config.training?.learning_rate;
  if (typeof lr !== 'number') throw invalid(runDir, 'config.resolved.json has no training.learning_rate');
  // The rates come from the ml-lr schedule itself, so its defaults and option rules are not restated here.
  const schedule = new MlLrSchedule(config.strategies?.find((s) => s.schedule.name === 'ml-lr')?.schedule.options ?? {});
  const rateContext = { modules: [], robust: [], tensors: [], tensorsOf: () => [], learningRate: lr, weightDecay: 0, totalSteps: 1 };
  const robustLr = schedule.robustLr(rateContext);
  const restLr = schedule.restLr(rateContext);
  return {
    baseModel: summary.base_model,
    modsRobust: [...robustSet],
    robustLr,
    restLr,
    otherLr: restLr,
    weightDecay: config.training.weight_decay ?? 0,
    groups,
  };
}

/** An Axolotl config fragment: the base learning rate for everything, `lr_groups` raising Mods_Robust to its rate. */
export function formatAxolotlPlan(plan: LrPlan, runDir: string): string {
  const modules = plan.groups.robust.map((t) => t.replace(/\.(weight|bias)$/, ''));
  const unique = [...new Set(modules)];
  const lines = [
    `# ML-LR plan from mllr run ${runDir}`,
    `# base model: ${plan.baseModel}; Mods_Robust: ${plan.modsRobust.join(' ')}`,
    '# Axolotl trains every parameter at learning_rate and the lr_groups below at their own rate.',
    `learning_rate: ${plan.restLr}`,
    `weight_decay: ${plan.weightDecay}`,
    'lr_groups:',
    '  - name: mods_robust',
    '    modules:',
    ...unique.map((m) => `      - ${m}`),
    `    lr: ${plan.robustLr}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** PyTorch optimizer parameter groups by Hugging Face parameter name, as JSON. */
export function formatTorchPlan(plan: LrPlan): string {
  const group = (name: string, params: string[], lr: number) => ({ name, params, lr, weight_decay: plan.weightDecay });
  return `${JSON.stringify(
    {
      format: 'mllr-lr-plan/v1',
      base_model: plan.baseModel,
      mods_robust: plan.modsRobust,
      param_groups: [
        group('mods_robust', plan.groups.robust, plan.robustLr),
        group('rest', plan.groups.rest, plan.restLr),
        group('other', plan.groups.other, plan.otherLr),
      ].filter((g) => g.params.length > 0),
    },
    null,
    2,
  )}\n`;
}

async function readJson<T>(file: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new MllrError('RUN_FOLDER_INVALID', `${file} is missing; export-plan needs a run that finished its search stage`);
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
