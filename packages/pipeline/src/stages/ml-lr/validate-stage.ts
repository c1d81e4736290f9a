import { MllrError, type RunConfig, type Stage, type StageContext } from '@mllr/core';
import { hashValue } from '../../run/canonical-hash.js';
import { runJobs } from '../../process/run-jobs.js';
import type { EvalArtifact, RobustnessArtifact } from './artifacts.js';
import { evaluationInputs } from './eval-stage.js';
import { mlLrJobOptions } from './ml-lr-jobs.js';
import { dataHashInputs } from './run-data.js';
import type { RunResources } from './run-resources.js';
import { runIdOf } from './seed-runs.js';
import {
  SINGLE_MODULE_SCHEDULE,
  validateModelDir,
  type ValidateModuleJob,
  type ValidateModuleResult,
} from './validate-jobs.js';
import { buildValidation, type ValidateRunRecord } from './validation-artifact.js';

/** The steps of each module's ground-truth run: `validate.steps`, else the run's `training.steps`. */
export function validationSteps(config: RunConfig): number {
  return config.validate.steps ?? config.training.steps;
}

/**
 * `validate` (on with `validate.enabled`): the ground truth the robustness scores are meant to predict. Each module
 * is fine-tuned alone (every other tensor frozen) under each of the first `validate.seeds` seeds, with the run's data
 * and training settings, and its harmful_asr and expertise measured like the eval stage measures the base model.
 * Writes `validate/<module>[#k].json` per run (kept on a rerun when its inputs are unchanged) and validation.json:
 * per module the score, the rise in harmful_asr over the base, the expertise, and the Spearman correlation between
 * score and minus the rise with a seeded bootstrap interval over modules.
 */
export function validateStage(resources: RunResources): Stage {
  return {
    name: 'validate',
    title: 'fine-tune each module alone',
    hashInputs: (config) => ({ validate: config.validate, ...runInputs(config) }),
    async run(context: StageContext) {
      const { config, store } = context;
      const robustness = await store.readJson<RobustnessArtifact>('robustness.json');
      const evaluation = await store.readJson<EvalArtifact>('eval.json');
      const base = { harmful_asr: evaluation.base?.harmful_asr?.value, expertise: evaluation.base?.expertise?.value };
      if (base.harmful_asr === undefined || base.expertise === undefined) {
        throw new MllrError(
          'STAGE_FAILED',
          'validate: eval.json has no harmful_asr and expertise of the base model to measure rises against',
        );
      }
      const steps = validationSteps(config);
      const seeds = Array.from({ length: config.validate.seeds }, (_, k) => config.seed + k);
      const baseHash = (await store.stageRecord('base'))?.hash ?? null;
      const runs = robustness.scores.flatMap(({ module }) =>
        seeds.map((seed, k) => ({ module, seed, runId: runIdOf(module, k) })),
      );
      const total = runs.length;

      const records: ValidateRunRecord[] = [];
      const todo: Array<ValidateModuleJob & { runId: string; inputs?: string }> = [];
      for (const run of runs) {
        const inputs =
          context.resumeKey === undefined
            ? undefined
            : hashValue({ base: baseHash, ...runInputs(config), steps, module: run.module, seed: run.seed });
        const kept = inputs !== undefined ? await keptRecord(context, run.runId, inputs) : undefined;
        if (kept) records.push(kept);
        else
          todo.push({
            module: run.module,
            seed: run.seed,
            steps,
            modelDir: validateModelDir(store.dir, run.runId),
            runId: run.runId,
            ...(inputs !== undefined ? { inputs } : {}),
          });
      }
      if (records.length > 0) context.log(`${records.length} of ${total} module runs finished before, kept`);
      context.progress(records.length, total, { unit: 'module' });

      if (todo.length > 0) {
        const fanOut = mlLrJobOptions(resources, context, todo.length);
        context.log(
          `fine-tuning ${todo.length} module${todo.length === 1 ? '' : 's'} alone (${steps} steps each, ${SINGLE_MODULE_SCHEDULE.name} with everything else frozen) on ${fanOut.workers} ${fanOut.workers === 1 ? 'process' : 'worker processes'}`,
        );
        await runJobs({
          context,
          kind: 'validate-module',
          payloads: todo.map(({ module, seed, steps: s, modelDir }) => ({ module, seed, steps: s, modelDir })),
          ...fanOut,
          // The module in training and its step, so the dashboard shows which module is being validated.
          onProgress: (job, done, all) =>
            context.progress(records.length, total, {
              unit: 'module',
              label: `${todo[job]!.runId} step ${done}/${all}`,
            }),
          onResult: async (job, result) => {
            const { module, seed, runId, inputs } = todo[job]!;
            const r = result as ValidateModuleResult;
            const record: ValidateRunRecord = {
              module,
              seed,
              ...(inputs !== undefined ? { inputs } : {}),
              steps,
              harmful_asr: r.harmful_asr,
              expertise: r.expertise,
              loss: r.loss,
            };
            await store.writeJson(`validate/${runId}.json`, record);
            records.push(record);
            context.metric('asr_rise', r.harmful_asr - base.harmful_asr!, { series: runId });
            context.log(
              `${runId}: harmful_asr ${r.harmful_asr.toFixed(3)} (${signed(r.harmful_asr - base.harmful_asr!)} over base), expertise ${r.expertise.toFixed(3)}`,
            );
            context.progress(records.length, total, { unit: 'module', label: runId });
          },
        });
      }

      const validation = buildValidation({
        records,
        scores: robustness.scores,
        base: { harmful_asr: base.harmful_asr, expertise: base.expertise },
        seeds,
        steps,
        resamples: config.validate.bootstrap,
        seed: config.seed,
      });
      if (validation.spearman !== null) context.metric('spearman', validation.spearman);
      if (validation.ci !== null) {
        context.metric('spearman_low', validation.ci[0]);
        context.metric('spearman_high', validation.ci[1]);
      }
      context.log(
        validation.spearman === null
          ? 'Spearman (robustness vs − harm sensitivity): undefined, every module moved harmful_asr alike'
          : `Spearman (robustness vs − harm sensitivity) ${validation.spearman.toFixed(3)}, 95% CI [${validation.ci?.map((v) => v.toFixed(3)).join(', ')}] over ${validation.modules.length} modules`,
      );
      await store.writeJson('validation.json', validation);
    },
  };
}

/** What every module's run depends on besides the module, the seed and the base: training, data and evaluation. */
function runInputs(config: RunConfig): Record<string, unknown> {
  return {
    training: config.training,
    steps: validationSteps(config),
    seed: config.seed,
    data: dataHashInputs(config, 'ift'),
    evaluation: evaluationInputs(config),
    schedule: SINGLE_MODULE_SCHEDULE,
  };
}

/** The record of a run finished before with these inputs; re-recorded so the stage's record lists it. */
async function keptRecord(
  context: StageContext,
  runId: string,
  inputs: string,
): Promise<ValidateRunRecord | undefined> {
  const path = `validate/${runId}.json`;
  if (!(await context.store.exists(path))) return undefined;
  const previous = await context.store.readJson<ValidateRunRecord>(path);
  if (previous.inputs !== inputs) return undefined;
  await context.store.writeJson(path, previous);
  return previous;
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(3)}`;
}
