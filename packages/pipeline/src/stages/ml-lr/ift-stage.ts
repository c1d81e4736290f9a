import { join } from 'node:path';
import { LrSchedule, PluginLoader, allModuleIds, moduleTensorNames, type Stage, type StageContext } from '@mllr/core';
import { toTrainExample } from '@mllr/data';
import { runFineTuning } from '@mllr/schedules';
import type { IftArtifact, SearchArtifact } from './artifacts.js';
import type { RunResources } from './run-resources.js';

/** `ift`: fine-tunes the base model on the benign data once per compared strategy, saving each model and curve. */
export function iftStage(resources: RunResources): Stage {
  return {
    name: 'ift',
    title: 'fine-tune each strategy',
    hashInputs: (config) => ({ strategies: config.strategies, training: config.training, seed: config.seed, seeds: config.seeds }),
    async run(context: StageContext) {
      const { config } = context;
      const search = await context.store.readJson<SearchArtifact>('search.json');
      const tokenizer = await resources.modelTokenizer();
      const examples = resources.embeddedWorld.ift.train.map((s) => toTrainExample(s, tokenizer));
      const loader = context.container.resolve<PluginLoader>(PluginLoader);
      const total = config.strategies.length * config.training.steps;
      for (const [i, strategy] of config.strategies.entries()) {
        const schedule = await loader.load<LrSchedule>('schedule', strategy.schedule, `strategies[${i}].schedule`);
        const robust = search.sets[strategy.id] ?? search.mods_robust;
        const engine = await resources.openEngine();
        const modelDir = join(context.store.dir, 'models', strategy.id);
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
            seed: config.seed,
            checkpoint: () => context.checkpoint(),
            onStep: (p) => {
              context.metric('loss', p.loss, { step: p.step, series: strategy.id });
              context.progress(i * config.training.steps + p.step + 1, total, { unit: 'step', label: strategy.id });
            },
            saveTo: modelDir,
          });
          context.log(`${strategy.id} (${schedule.name}): loss ${curve[0]!.loss.toFixed(3)} → ${curve.at(-1)!.loss.toFixed(3)}`);
          const artifact: IftArtifact = { strategy: strategy.id, schedule: schedule.name, model: modelDir, curve: curve.map((p) => ({ step: p.step, loss: p.loss })) };
          await context.store.writeJson(`ift/${strategy.id}.json`, artifact);
        } finally {
          await engine.dispose();
        }
      }
    },
  };
}
