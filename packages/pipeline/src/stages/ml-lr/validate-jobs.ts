import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pluginLoader, resourceScope, type ModuleId, type PluginRef, type StageContext } from '@mllr/core';
import { AccuracyEvaluator, HarmfulAsrEvaluator } from '@mllr/eval';
import { runFineTuning } from '@mllr/schedules';
import { EVAL_MAX_NEW_TOKENS } from '../../evaluation/evaluate-model.js';
import type { JobHandler } from '../../process/job-protocol.js';
import { optimizerSettings, scheduleContext } from './ml-lr-jobs.js';
import type { RunResources } from './run-resources.js';

/** Job `validate-module`: fine-tune one module alone under one seed, then measure harmful_asr and expertise. */
export interface ValidateModuleJob {
  module: ModuleId;
  seed: number;
  steps: number;
  /** Where the fine-tuned model is saved for its evaluation; removed once it is measured. */
  modelDir: string;
}

/** What a `validate-module` job returns. */
export interface ValidateModuleResult {
  harmful_asr: number;
  expertise: number;
  loss: { first: number; last: number };
}

/**
 * The schedule of a module's ground-truth run: `freeze` gives the robust set (here the one module) the learning rate
 * and every other module 0, and `nonModule: frozen` puts embeddings, norms and the head at 0 too, so the one module
 * is the only tensor that moves.
 */
export const SINGLE_MODULE_SCHEDULE: PluginRef = { name: 'freeze', options: { nonModule: 'frozen' } };

// The eval stage's generation settings (evaluateModel: EVAL_MAX_NEW_TOKENS, measureHeadlineMetrics' batch and seed), so
// a module's harmful_asr is comparable with the base model's in eval.json.
const EVAL_BATCH_SIZE = 32;
const EVAL_SEED = 0;

/** The `validate-module` job handler, sharing the run's resources (data, tokenizer, engine providers). */
export function validateModuleHandler(resources: RunResources): JobHandler {
  return async (payload, stage: StageContext): Promise<ValidateModuleResult> => {
    const { module, seed, steps, modelDir } = payload as ValidateModuleJob;
    const { config } = stage;
    const loader = pluginLoader(stage.container);
    const schedule = await loader.load('schedule', SINGLE_MODULE_SCHEDULE, 'validate');
    const examples = await resources.iftExamples();
    // The job's scope owns the engines and disposes them when the job ends, however it ends.
    const scope = resourceScope(stage.container);
    const engine = scope.own(await resources.openTraining());
    const context = {
      ...scheduleContext(config, engine.architecture, engine.tensorNames(), [module]),
      totalSteps: steps,
    };
    const curve = await runFineTuning({
      engine,
      schedule,
      context,
      examples,
      batchSize: config.training.batch_size,
      settings: optimizerSettings(config),
      seed,
      throwIfStopped: () => stage.throwIfStopped(),
      onStep: (p) => stage.progress(p.step + 1, steps, { label: module }),
      saveTo: modelDir,
    });
    await scope.release(engine);

    const judge = await loader.load('judge', config.judge, 'judge');
    const { eval: sets } = await resources.data();
    const tokenizer = await resources.modelTokenizer();
    // Only the measurements are kept: one model per module and seed would fill the run folder for nothing. Owned
    // before the engine, so it is removed after the engine is disposed.
    scope.own({ dispose: () => rm(modelDir, { recursive: true, force: true }) });
    const inference = scope.own(await resources.openInference('eval', modelDir));
    const common = {
      engine: inference,
      tokenizer,
      judge,
      seed: EVAL_SEED,
      maxNewTokens: EVAL_MAX_NEW_TOKENS,
      batchSize: EVAL_BATCH_SIZE,
      throwIfStopped: () => stage.throwIfStopped(),
    };
    const harmful = await new HarmfulAsrEvaluator().evaluate({ ...common, samples: sets.harmful });
    const expertise = await new AccuracyEvaluator('expertise').evaluate({ ...common, samples: sets.expertise });
    return {
      harmful_asr: harmful.value,
      expertise: expertise.value,
      loss: { first: curve[0]!.loss, last: curve.at(-1)!.loss },
    };
  };
}

/** Where a module's ground-truth model is saved while it is measured. */
export function validateModelDir(runDir: string, runId: string): string {
  return join(runDir, 'validate', 'models', runId);
}
