import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { moduleTensorNames, type Stage, type StageContext } from '@mllr/core';
import { expectedTensorShapes, loadModelConfig } from '@mllr/model';
import { hashValue } from '../../run/canonical-hash.js';
import { runJobs } from '../../process/run-jobs.js';
import type { IftArtifact } from './artifacts.js';
import { recordDataUse } from './data-use.js';
import {
  RUN_ADAPTER_DIR,
  mlLrJobOptions,
  modelDirOf,
  runSchedule,
  scheduleContext,
  type FineTuneJob,
  type FineTuneResult,
} from './ml-lr-jobs.js';
import { runAdapter, trainedTensors } from './run-adapter.js';
import { checkSomethingTrains } from './trainable-check.js';
import { dataHashInputs } from './run-data.js';
import type { RunResources } from './run-resources.js';
import { seedRuns } from './seed-runs.js';
import { variantHashInput } from './strategy-variants.js';

/**
 * `ift`: fine-tunes the base model on the benign data once per compared strategy (and seed), saving each model and
 * loss curve. The runs are independent jobs (the fine-tuning itself is the `fine-tune` job in ml-lr-jobs.ts), so
 * they fan out over worker processes, one per core.
 */
export function iftStage(resources: RunResources): Stage {
  return {
    name: 'ift',
    title: 'fine-tune each strategy',
    hashInputs: (config) => ({
      strategies: config.strategies,
      training: config.training,
      seed: config.seed,
      seeds: config.seeds,
      data: dataHashInputs(config, 'ift'),
    }),
    async run(context: StageContext) {
      const { config } = context;
      await recordDataUse(context, resources, 'ift');
      const runs = seedRuns(config);
      const steps = config.training.steps;
      const stepsDone = runs.map(() => 0);
      const report = (label?: string) =>
        context.progress(
          stepsDone.reduce((a, b) => a + b, 0),
          runs.length * steps,
          label !== undefined ? { unit: 'step', label } : { unit: 'step' },
        );

      // A run finished before (an interruption, or a run folder extended with more seeds or strategies) is kept when
      // its own inputs are unchanged and its model is still on disk.
      const inputsOf = await runInputs(context, runs.length);
      const todo: FineTuneJob[] = [];
      for (const [i, run] of runs.entries()) {
        const modelDir = modelDirOf(context.store.dir, run.runId);
        const inputs = inputsOf[i];
        if (inputs !== undefined && (await finishedBefore(context, run.runId, inputs, modelDir))) {
          context.log(`${run.runId}: finished before, kept`);
          stepsDone[i] = steps;
          report(run.runId);
        } else {
          todo.push({ run: i, modelDir });
        }
      }
      if (todo.length === 0) return;
      await refuseRunsThatTrainNothing(context, resources, todo);

      const fanOut = mlLrJobOptions(resources, context, todo.length);
      context.log(
        `fine-tuning ${todo.length} run${todo.length === 1 ? '' : 's'} on ${fanOut.workers} ${fanOut.workers === 1 ? 'process' : 'worker processes'}`,
      );
      await runJobs({
        context,
        kind: 'fine-tune',
        payloads: todo,
        ...fanOut,
        onProgress: (job, done, _total, label) => {
          stepsDone[todo[job]!.run] = done;
          report(label);
        },
        onResult: async (job, result) => {
          const { run: i, modelDir } = todo[job]!;
          const run = runs[i]!;
          const { schedule, curve, robust, plan, adapter } = result as FineTuneResult;
          context.log(
            `${run.runId} (${schedule}, seed ${run.seed}): loss ${curve[0]!.loss.toFixed(3)} → ${curve.at(-1)!.loss.toFixed(3)}`,
          );
          const inputs = inputsOf[i];
          const artifact: IftArtifact = {
            strategy: run.strategyId,
            run: run.runId,
            seed: run.seed,
            ...(inputs !== undefined ? { inputs } : {}),
            schedule,
            model: modelDir,
            mods_robust: robust,
            groups: plan.groups.map((g) => ({
              name: g.name,
              learning_rate: g.learningRate,
              weight_decay: g.weightDecay,
              tensors: g.tensors,
            })),
            rate_shape: plan.shape,
            ...(adapter
              ? { adapter: { type: 'lora' as const, ...adapter, dir: join(modelDir, RUN_ADAPTER_DIR) } }
              : {}),
            curve,
          };
          await context.store.writeJson(`ift/${run.runId}.json`, artifact);
        },
      });
    },
  };
}

/**
 * Per run, a hash of what its result depends on: the base model (its stage's hash), the fine-tuning settings and data,
 * the strategy, the run's seed and the robust set it trains. Not the other runs of the config, so more seeds or
 * strategies leave it unchanged. None under --force (no resume key): every run trains again.
 */
async function runInputs(context: StageContext, count: number): Promise<Array<string | undefined>> {
  if (context.resumeKey === undefined) return new Array<undefined>(count).fill(undefined);
  const { config } = context;
  const base = (await context.store.stageRecord('base'))?.hash ?? null;
  const inputs: string[] = [];
  for (let i = 0; i < count; i++) {
    const { run, robust } = await runSchedule(context, i);
    const strategy = variantHashInput(config, run.variant);
    inputs.push(
      hashValue({
        base,
        training: config.training,
        data: dataHashInputs(config, 'ift'),
        seed: config.seed,
        strategy,
        runSeed: run.seed,
        robust,
      }),
    );
  }
  return inputs;
}

/**
 * Every run to train gets its plan checked before any starts: a schedule that leaves nothing trainable is refused,
 * naming the strategy, instead of failing inside an engine while the other runs train.
 */
async function refuseRunsThatTrainNothing(
  context: StageContext,
  resources: RunResources,
  todo: readonly FineTuneJob[],
): Promise<void> {
  const architecture = await loadModelConfig(resources.modelDir);
  const { tensors, tensorsOf } = trainedTensors(
    architecture,
    runAdapter(context.config),
    [...expectedTensorShapes(architecture).keys()],
    (m) => moduleTensorNames(m, { qkvBias: architecture.qkvBias }),
  );
  for (const job of todo) {
    const { run, schedule, robust } = await runSchedule(context, job.run);
    checkSomethingTrains(
      run.runId,
      schedule.name,
      robust,
      schedule.plan(scheduleContext(context.config, architecture, tensors, robust, tensorsOf)),
    );
  }
}

/** Whether `ift/<runId>.json` records a finished run with these inputs whose model is still on disk; re-records it. */
async function finishedBefore(
  context: StageContext,
  runId: string,
  inputs: string,
  modelDir: string,
): Promise<boolean> {
  const path = `ift/${runId}.json`;
  if (!(await context.store.exists(path))) return false;
  const previous = await context.store.readJson<IftArtifact>(path);
  // A record without groups predates the rate record; retraining it is the only way to know its groups for sure.
  if (previous.inputs !== inputs || previous.model !== modelDir || !Array.isArray(previous.groups)) return false;
  try {
    await access(join(modelDir, 'model.safetensors'));
  } catch {
    return false;
  }
  // Written again so the stage's record lists it like the runs trained this time.
  await context.store.writeJson(path, previous);
  return true;
}
