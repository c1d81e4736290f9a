import { join } from 'node:path';
import {
  LrSchedule,
  pluginLoader,
  RobustnessProxy,
  allModuleIds,
  resourceScope,
  moduleTensorNames,
  type ModuleId,
  type LoraSettings,
  type LrScheduleContext,
  type ModelArchitecture,
  type ModuleScore,
  type OptimizerSettings,
  type RunConfig,
  type RatePlan,
  type RobustnessContext,
  type StageContext,
} from '@mllr/core';
import { runFineTuning } from '@mllr/schedules';
import type { JobEnvironment, JobHandlers } from '../../process/job-protocol.js';
import type { RunJobsOptions } from '../../process/run-jobs.js';
import type { SearchArtifact } from './artifacts.js';
import { OwnedResources } from '../../plugins/owned-resources.js';
import { runAdapter } from './run-adapter.js';
import { openProbeEngines, probeContext, type ProbeEngines } from './probe-context.js';
import { RunResources } from './run-resources.js';
import { seedRuns } from './seed-runs.js';
import { validateModuleHandler } from './validate-jobs.js';

/** Job `score-module`: one module's robustness score. */
export interface ScoreModuleJob {
  module: ModuleId;
}

/** Job `fine-tune`: one compared fine-tuning run (an index into seedRuns(config)), saved to `modelDir`. */
export interface FineTuneJob {
  run: number;
  modelDir: string;
}

/** What a `fine-tune` job returns. */
export interface FineTuneResult {
  schedule: string;
  /** The robust set the schedule was given. */
  robust: ModuleId[];
  /** The groups at their base rates and the shape, as the schedule configured the engine. */
  plan: RatePlan;
  curve: Array<{ step: number; loss: number }>;
  /** The LoRA adapter trained (training.adapter); its PEFT folder is `<model>/adapter`. Absent: the weights were trained. */
  adapter?: LoraSettings;
}

/**
 * The ML-LR stages' independent jobs. One set lives in each process that runs jobs (the stage's own, or a worker),
 * and keeps the base model's probe context for all the module jobs it is given.
 */
export function mlLrJobHandlers(resources: RunResources): JobHandlers {
  // The probe engines serve every module job of this handler set, so they live as long as it does, not one job.
  const held = new OwnedResources();
  let probing: Promise<{ engines: ProbeEngines; context: RobustnessContext; proxy: RobustnessProxy }> | undefined;
  const probeFor = (stage: StageContext) => {
    probing ??= (async () => {
      const proxy = await pluginLoader(stage.container).load('proxy', stage.config.proxy, 'proxy');
      const engines = await openProbeEngines(resources, stage.stage, held);
      return { engines, context: await probeContext(resources, stage, engines), proxy };
    })();
    return probing;
  };

  return {
    handlers: {
      async 'score-module'(payload, stage): Promise<ModuleScore> {
        const { module } = payload as ScoreModuleJob;
        const { context, proxy } = await probeFor(stage);
        const [score] = await proxy.score({
          ...context,
          modules: [module],
          throwIfStopped: () => stage.throwIfStopped(),
        });
        return score!;
      },

      async 'fine-tune'(payload, stage): Promise<FineTuneResult> {
        const { run: index, modelDir } = payload as FineTuneJob;
        const { config } = stage;
        const { run, schedule, robust } = await runSchedule(stage, index);
        const examples = await resources.iftExamples();
        const adapter = runAdapter(config);
        // The job's scope owns the engine and disposes it when the job ends, however it ends.
        const scope = resourceScope(stage.container);
        const lora = adapter ? scope.own(await resources.openLoraTraining(adapter, run.seed)) : undefined;
        const engine = lora ?? scope.own(await resources.openTraining());
        // Under LoRA the schedule groups each module's adapter tensors (the engine's tensorsOf), W being frozen.
        const context = scheduleContext(
          config,
          engine.architecture,
          engine.tensorNames(),
          robust,
          lora ? (m) => lora.tensorsOf(m) : undefined,
        );
        const curve = await runFineTuning({
          engine,
          schedule,
          context,
          examples,
          batchSize: config.training.batch_size,
          settings: optimizerSettings(config),
          seed: run.seed,
          throwIfStopped: () => stage.throwIfStopped(),
          onStep: (p) => {
            stage.metric('loss', p.loss, { step: p.step, series: run.runId });
            stage.progress(p.step + 1, config.training.steps, { label: run.runId });
          },
          saveTo: modelDir,
          // Crash safety: checkpoints every training.checkpoint_every steps, resumed on a rerun, removed once saved.
          checkpointDir: join(modelDir, 'checkpoint'),
          checkpointEvery: config.training.checkpoint_every,
          log: (message) => stage.log(`${run.runId}: ${message}`),
        });
        await lora?.saveAdapter(join(modelDir, RUN_ADAPTER_DIR), { baseModel: resources.modelDir });
        // The record export-plan reads: the groups and rates this run was configured with, from the schedule itself.
        const plan = schedule.plan(context);
        return {
          schedule: schedule.name,
          robust: [...robust],
          plan,
          curve: curve.map((p) => ({ step: p.step, loss: p.loss })),
          ...(adapter ? { adapter } : {}),
        };
      },

      'validate-module': validateModuleHandler(resources),
    },
    async dispose() {
      const open = probing;
      probing = undefined;
      // Engines opened before a failed set-up are owned too: wait for it to settle, then dispose what it opened.
      await open?.catch(() => undefined);
      await held.dispose();
    },
  };
}

/** One compared run's schedule plugin and the robust set it is given (Mods_Robust, or the run's own control set). */
export async function runSchedule(
  stage: StageContext,
  index: number,
): Promise<{ run: ReturnType<typeof seedRuns>[number]; schedule: LrSchedule; robust: ModuleId[] }> {
  const run = seedRuns(stage.config)[index]!;
  // The variant's schedule: a swept option is set to the variant's value (and checked by the schedule's own schema).
  const schedule = await pluginLoader(stage.container).load(
    'schedule',
    run.variant.schedule,
    `strategies[${run.variant.index}].schedule`,
  );
  const search = await stage.store.readJson<SearchArtifact>('search.json');
  const robust = search.sets[run.runId] ?? search.sets[run.strategyId] ?? search.mods_robust;
  return { run, schedule, robust };
}

/** Where a LoRA run's PEFT adapter is saved inside its model folder (the folder itself holds the merged model). */
export const RUN_ADAPTER_DIR = 'adapter';

/** The optimizer settings of a run's fine-tuning (config `training`), for every job that trains the base model. */
export function optimizerSettings(config: RunConfig): OptimizerSettings {
  const { training } = config;
  return {
    beta1: training.beta1,
    beta2: training.beta2,
    epsilon: training.epsilon,
    maxGradNorm: training.max_grad_norm,
    gradientAccumulation: training.gradient_accumulation,
  };
}

/**
 * The schedule context of a run on a model with `architecture` and trainable `tensors`; a module's tensors are its
 * weight (and bias) unless `tensorsOf` says otherwise (LoRA: its adapter's A and B).
 */
export function scheduleContext(
  config: RunConfig,
  architecture: ModelArchitecture,
  tensors: readonly string[],
  robust: readonly ModuleId[],
  tensorsOf?: (m: ModuleId) => string[],
): LrScheduleContext {
  const { qkvBias } = architecture;
  return {
    modules: allModuleIds(architecture.numLayers),
    robust,
    tensors,
    tensorsOf: tensorsOf ?? ((m: ModuleId) => moduleTensorNames(m, { qkvBias })),
    learningRate: config.training.learning_rate,
    weightDecay: config.training.weight_decay,
    totalSteps: config.training.steps,
  };
}

/** Worker entry: the same handlers, on resources rebuilt from the run's config in the worker. */
export function createJobHandlers(environment: JobEnvironment): JobHandlers {
  return mlLrJobHandlers(
    new RunResources(environment.config, environment.container, environment.configDir, {
      threads: environment.threads,
    }),
  );
}

// Workers import this very module to build their handlers.
const THIS_MODULE = import.meta.url;

/** The fan-out settings of an ML-LR stage with `jobs` jobs: how many workers, and what they start from. */
export function mlLrJobOptions(
  resources: RunResources,
  stage: StageContext,
  jobs: number,
): Pick<RunJobsOptions, 'workers' | 'local' | 'init'> {
  const workers = resources.workersFor(jobs);
  return {
    workers,
    local: () => mlLrJobHandlers(resources),
    init: {
      handlers: THIS_MODULE,
      configDir: resources.configDir,
      runDir: stage.store.dir,
      threads: RunResources.threadsPerWorker(workers),
    },
  };
}

/** Where a compared run's model is saved in the run folder. */
export function modelDirOf(runDir: string, runId: string): string {
  return join(runDir, 'models', runId);
}
