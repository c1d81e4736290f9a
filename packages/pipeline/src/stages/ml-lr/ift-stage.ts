import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { LrSchedule, PluginLoader, allModuleIds, moduleTensorNames, type Stage, type StageContext } from '@mllr/core';
import { runFineTuning } from '@mllr/schedules';
import { hashValue } from '../../run/canonical-hash.js';
import type { IftArtifact, SearchArtifact } from './artifacts.js';
import { dataHashInputs } from './run-data.js';
import type { RunResources } from './run-resources.js';
import { seedRuns } from './seed-runs.js';

/** `ift`: fine-tunes the base model on the benign data once per compared strategy, saving each model and curve. */
export function iftStage(resources: RunResources): Stage {
  return {
    name: 'ift',
    title: 'fine-tune each strategy',
    hashInputs: (config) => ({ strategies: config.strategies, training: config.training, seed: config.seed, seeds: config.seeds, data: dataHashInputs(config, 'ift') }),
    async run(context: StageContext) {
      const { config } = context;
      const search = await context.store.readJson<SearchArtifact>('search.json');
      const examples = await resources.iftExamples();
      const loader = context.container.resolve<PluginLoader>(PluginLoader);
      const runs = seedRuns(config);
      const total = runs.length * config.training.steps;
      for (const [i, run] of runs.entries()) {
        const strategyIndex = config.strategies.findIndex((s) => s.id === run.strategyId);
        const strategy = config.strategies[strategyIndex]!;
        const schedule = await loader.load<LrSchedule>('schedule', strategy.schedule, `strategies[${strategyIndex}].schedule`);
        const robust = search.sets[run.runId] ?? search.sets[strategy.id] ?? search.mods_robust;
        const modelDir = join(context.store.dir, 'models', run.runId);
        // A run finished before an interruption is kept: same stage inputs, same run, model still on disk.
        const inputs = context.resumeKey === undefined ? undefined : hashValue({ stage: context.resumeKey, run });
        if (inputs !== undefined && (await finishedBefore(context, run.runId, inputs, modelDir))) {
          context.log(`${run.runId}: finished before, kept`);
          context.progress((i + 1) * config.training.steps, total, { unit: 'step', label: run.runId });
          continue;
        }
        const engine = await resources.openEngine();
        try {
          const qkvBias = engine.architecture.qkvBias;
          const curve = await runFineTuning({
            engine,
            schedule,
            context: {
              modules: allModuleIds(engine.architecture.numLayers),
              robust,
              tensors: engine.tensorNames?.() ?? [],
              tensorsOf: (m) => moduleTensorNames(m, { qkvBias }),
              learningRate: config.training.learning_rate,
              weightDecay: config.training.weight_decay,
              totalSteps: config.training.steps,
            },
            examples,
            batchSize: config.training.batch_size,
            settings: {
              beta1: config.training.beta1,
              beta2: config.training.beta2,
              epsilon: config.training.epsilon,
              maxGradNorm: config.training.max_grad_norm,
              gradientAccumulation: config.training.gradient_accumulation,
            },
            seed: run.seed,
            checkpoint: () => context.checkpoint(),
            onStep: (p) => {
              context.metric('loss', p.loss, { step: p.step, series: run.runId });
              context.progress(i * config.training.steps + p.step + 1, total, { unit: 'step', label: run.runId });
            },
            saveTo: modelDir,
          });
          context.log(`${run.runId} (${schedule.name}, seed ${run.seed}): loss ${curve[0]!.loss.toFixed(3)} → ${curve.at(-1)!.loss.toFixed(3)}`);
          const artifact: IftArtifact = {
            strategy: strategy.id,
            run: run.runId,
            seed: run.seed,
            ...(inputs !== undefined ? { inputs } : {}),
            schedule: schedule.name,
            model: modelDir,
            curve: curve.map((p) => ({ step: p.step, loss: p.loss })),
          };
          await context.store.writeJson(`ift/${run.runId}.json`, artifact);
        } finally {
          await engine.dispose();
        }
      }
    },
  };
}

/** Whether `ift/<runId>.json` records a finished run with these inputs whose model is still on disk; re-records it. */
async function finishedBefore(context: StageContext, runId: string, inputs: string, modelDir: string): Promise<boolean> {
  const path = `ift/${runId}.json`;
  if (!(await context.store.exists(path))) return false;
  const previous = await context.store.readJson<IftArtifact>(path);
  if (previous.inputs !== inputs || previous.model !== modelDir) return false;
  try {
    await access(join(modelDir, 'model.safetensors'));
  } catch {
    return false;
  }
  // Written again so the stage's record lists it like the runs trained this time.
  await context.store.writeJson(path, previous);
  return true;
}
