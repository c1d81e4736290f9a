import { HarmJudge, PluginLoader, type Stage, type StageContext } from '@mllr/core';
import { evaluateModel } from '../../evaluation/evaluate-model.js';
import type { EvalArtifact, IftArtifact } from './artifacts.js';
import { recordDataUse } from './data-use.js';
import { dataHashInputs } from './run-data.js';
import { inferenceHashInputs, type RunResources } from './run-resources.js';
import { seedRuns } from './seed-runs.js';

/**
 * `eval`: harmful_asr, over_refusal, usability and expertise of the base model and of every fine-tuned one, with the
 * generations each judged in `eval/<id>.jsonl` (bounded; eval.json records what each file holds and left out).
 */
export function evalStage(resources: RunResources): Stage {
  return {
    name: 'eval',
    title: 'evaluate every model',
    hashInputs: (config) => ({
      judge: config.judge,
      evaluators: config.evaluators,
      data: dataHashInputs(config, 'eval'),
      seed: config.seed,
      seeds: config.seeds,
      ...inferenceHashInputs(config, 'eval'),
    }),
    async run(context: StageContext) {
      const judge = await context.container.resolve<PluginLoader>(PluginLoader).load<HarmJudge>('judge', context.config.judge, 'judge');
      const { eval: evalSets } = await resources.data();
      await recordDataUse(context, resources, 'eval');
      const sets = { harmful_asr: evalSets.harmful, over_refusal: evalSets.benign, usability: evalSets.usability, expertise: evalSets.expertise };
      const models: Array<[string, string]> = [['base', resources.modelDir]];
      for (const run of seedRuns(context.config)) models.push([run.runId, (await context.store.readJson<IftArtifact>(`ift/${run.runId}.json`)).model]);
      const tokenizer = await resources.modelTokenizer();
      const results: EvalArtifact = {};
      for (const [i, [id, dir]] of models.entries()) {
        context.progress(i, models.length, { unit: 'model', label: id });
        const engine = await resources.openInference('eval', dir);
        let evaluation;
        try {
          evaluation = await evaluateModel({ id, sets, engine, tokenizer, judge, store: context.store, checkpoint: () => context.checkpoint() });
        } finally {
          await engine.dispose();
        }
        results[id] = { ...evaluation.metrics, ...(evaluation.generations ? { generations: evaluation.generations } : {}) };
        for (const [metric, value] of Object.entries(evaluation.metrics)) context.metric(metric, value.value, { series: id });
        context.log(`${id}: ${Object.entries(evaluation.metrics).map(([m, v]) => `${m} ${v.value.toFixed(3)}`).join(', ')}`);
      }
      context.progress(models.length, models.length, { unit: 'model' });
      await context.store.writeJson('eval.json', results);
    },
  };
}
