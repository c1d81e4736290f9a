import { resolve } from 'node:path';
import { writeFileAtomic } from '@mllr/core';
import { formatAxolotlPlan, formatTorchPlan, readLrPlan } from '@mllr/pipeline';
import type { CliIo } from '../cli-io.js';

/** Options of `mllr export-plan`. */
export interface ExportPlanOptions {
  run: string;
  format: 'axolotl' | 'torch';
  out?: string;
}

/** `mllr export-plan`: a run's Mods_Robust learning-rate plan as an Axolotl fragment or PyTorch param groups. */
export async function exportPlanCommand(options: ExportPlanOptions, io: CliIo): Promise<number> {
  const runDir = resolve(io.cwd, options.run);
  const plan = await readLrPlan(runDir);
  const text = options.format === 'axolotl' ? formatAxolotlPlan(plan, runDir) : formatTorchPlan(plan);
  if (options.out) {
    await writeFileAtomic(resolve(io.cwd, options.out), text);
    io.stderr.write(`mllr: wrote ${options.out} (${plan.groups.robust.length} Mods_Robust tensors)\n`);
  } else {
    io.stdout.write(text);
  }
  return 0;
}
