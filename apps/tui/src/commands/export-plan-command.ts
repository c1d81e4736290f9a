import { resolve } from 'node:path';
import { writeFileAtomic } from '@mllr/core';
import { DEFAULT_PLAN_STRATEGY, formatAxolotlPlan, formatTorchPlan, readLrPlan } from '@mllr/pipeline';
import type { CliIo } from '../cli-io.js';

/** Options of `mllr export-plan`. */
export interface ExportPlanOptions {
  run: string;
  format: 'axolotl' | 'torch';
  out?: string;
  /** The fine-tuning run whose recorded groups to export (default: ml-lr). */
  strategy?: string;
}

/** `mllr export-plan`: the learning-rate plan one run of a run folder trained with, as an Axolotl fragment or PyTorch param groups. */
export async function exportPlanCommand(options: ExportPlanOptions, io: CliIo): Promise<number> {
  const runDir = resolve(io.cwd, options.run);
  const plan = await readLrPlan(runDir, options.strategy ?? DEFAULT_PLAN_STRATEGY);
  const text = options.format === 'axolotl' ? formatAxolotlPlan(plan, runDir) : formatTorchPlan(plan);
  if (options.out) {
    await writeFileAtomic(resolve(io.cwd, options.out), text);
    io.stderr.write(
      `mllr: wrote ${options.out} (the ${plan.strategy} run's ${plan.groups.length} groups, ${plan.groups.reduce((n, g) => n + g.tensors.length, 0)} tensors)\n`,
    );
  } else {
    io.stdout.write(text);
  }
  return 0;
}
