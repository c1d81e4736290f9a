import { pluginLoader, resourceScope, type RunConfig, type Stage, type StageContext } from '@mllr/core';
import { breakdownSpans } from '../../evaluation/eval-files.js';
import { evaluateModel } from '../../evaluation/evaluate-model.js';
import { loadEvaluators } from '../../evaluation/load-evaluators.js';
import { hashValue } from '../../run/canonical-hash.js';
import { METRICS } from '../../report/report-data.js';
import type { EvalArtifact, EvalEntry, IftArtifact } from './artifacts.js';
import { recordDataUse } from './data-use.js';
import { dataHashInputs } from './run-data.js';
import { inferenceHashInputs, type RunResources } from './run-resources.js';
import { seedRuns } from './seed-runs.js';

/**
 * `eval`: the metrics of the configured `evaluators` (harmful_asr, over_refusal, usability and expertise by default)
 * of the base model and of every fine-tuned one, with the generations each judged in `eval/<id>.jsonl` (bounded;
 * eval.json records what each file holds and left out).
 */
export function evalStage(resources: RunResources): Stage {
  return {
    name: 'eval',
    title: 'evaluate every model',
    hashInputs: (config) => ({ ...evaluationInputs(config), seeds: config.seeds }),
    async run(context: StageContext) {
      const loader = pluginLoader(context.container);
      const judge = await loader.load('judge', context.config.judge, 'judge');
      const evaluators = await loadEvaluators(loader, context.config);
      const { eval: evalSets, evalFiles } = await resources.data();
      await recordDataUse(context, resources, 'eval');
      const sets = {
        harmful_asr: evalSets.harmful,
        over_refusal: evalSets.benign,
        usability: evalSets.usability,
        expertise: evalSets.expertise,
      };
      const files = breakdownSpans(evalFiles);
      // Each model's own inputs: how it is evaluated and which model it is (the base stage's hash, a run's inputs).
      const forced = context.resumeKey === undefined;
      const key = (model: string | undefined) =>
        forced || model === undefined ? undefined : hashValue({ evaluation: evaluationInputs(context.config), model });
      const models: Array<[string, string, string | undefined]> = [
        ['base', resources.modelDir, key((await context.store.stageRecord('base'))?.hash)],
      ];
      for (const run of seedRuns(context.config)) {
        const ift = await context.store.readJson<IftArtifact>(`ift/${run.runId}.json`);
        models.push([run.runId, ift.model, key(ift.inputs)]);
      }
      const previous =
        forced || !(await context.store.exists('eval.json'))
          ? {}
          : await context.store.readJson<EvalArtifact>('eval.json');
      const tokenizer = await resources.modelTokenizer();
      const scope = resourceScope(context.container);
      const results: EvalArtifact = {};
      for (const [i, [id, dir, inputs]] of models.entries()) {
        context.progress(i, models.length, { unit: 'model', label: id });
        // A model evaluated before with the same inputs (a resumed or extended run) is kept, generations file and all.
        const kept = inputs !== undefined ? await evaluatedBefore(context, previous[id], inputs) : undefined;
        if (kept) {
          results[id] = kept;
          for (const metric of METRICS) if (kept[metric]) context.metric(metric, kept[metric].value, { series: id });
          context.log(`${id}: evaluated before, kept`);
          continue;
        }
        // One model's engine at a time: released before the next opens; on a failure the stage's scope disposes it.
        const engine = scope.own(await resources.openInference('eval', dir));
        const evaluation = await evaluateModel({
          id,
          sets,
          evaluators,
          engine,
          tokenizer,
          judge,
          files,
          store: context.store,
          throwIfStopped: () => context.throwIfStopped(),
        });
        await scope.release(engine);
        results[id] = {
          ...evaluation.metrics,
          ...(evaluation.byFile ? { by_file: evaluation.byFile } : {}),
          ...(evaluation.generations ? { generations: evaluation.generations } : {}),
          ...(inputs !== undefined ? { inputs } : {}),
        };
        for (const [metric, value] of Object.entries(evaluation.metrics))
          context.metric(metric, value.value, { series: id });
        context.log(
          `${id}: ${Object.entries(evaluation.metrics)
            .map(([m, v]) => `${m} ${v.value.toFixed(3)}`)
            .join(', ')}`,
        );
      }
      context.progress(models.length, models.length, { unit: 'model' });
      await context.store.writeJson('eval.json', results);
    },
  };
}

/** What every model's evaluation depends on, whichever models the run has. */
export function evaluationInputs(config: RunConfig): Record<string, unknown> {
  return {
    judge: config.judge,
    evaluators: config.evaluators,
    data: dataHashInputs(config, 'eval'),
    seed: config.seed,
    ...inferenceHashInputs(config, 'eval'),
  };
}

/** The stored entry of a model evaluated before with these inputs whose generations file is intact; re-records it. */
async function evaluatedBefore(
  context: StageContext,
  entry: EvalEntry | undefined,
  inputs: string,
): Promise<EvalEntry | undefined> {
  if (entry?.inputs !== inputs) return undefined;
  if (entry.generations) {
    const file = entry.generations.file;
    if (!(await context.store.exists(file))) return undefined;
    // Written again, byte for byte, so the stage's record lists it like the files written this time.
    await context.store.writeArtifact(file, await context.store.readText(file));
  }
  return entry;
}
