import { pluginLoader, allModuleIds, type ModuleScore, type Stage, type StageContext } from '@mllr/core';
import { formatHeatmap, robustnessHeatmap } from '@mllr/proxies';
import { loadModelConfig } from '@mllr/model';
import { runJobs } from '../../process/run-jobs.js';
import type { RobustnessArtifact } from './artifacts.js';
import { mlLrJobOptions, type ScoreModuleJob } from './ml-lr-jobs.js';
import { dataHashInputs } from './run-data.js';
import { inferenceHashInputs, type RunResources } from './run-resources.js';

/**
 * `robustness`: scores every module with the configured proxy and writes the module-type × layer heatmap. Each
 * module is an independent job (its perturbation is seeded by the run seed and the module), so the modules fan out
 * over worker processes and the scores equal the serial ones.
 */
export function robustnessStage(resources: RunResources): Stage {
  return {
    name: 'robustness',
    title: 'score module robustness',
    hashInputs: (config) => ({
      proxy: config.proxy,
      seed: config.seed,
      ift: dataHashInputs(config, 'ift'),
      ...inferenceHashInputs(config, 'robustness'),
    }),
    async run(context: StageContext) {
      const proxy = await pluginLoader(context.container).load('proxy', context.config.proxy, 'proxy');
      const { numLayers } = await loadModelConfig(resources.modelDir);
      const modules = allModuleIds(numLayers);
      const payloads: ScoreModuleJob[] = modules.map((module) => ({ module }));
      const fanOut = mlLrJobOptions(resources, context, payloads.length);
      context.log(
        `scoring ${modules.length} modules on ${fanOut.workers} ${fanOut.workers === 1 ? 'process' : 'worker processes'}`,
      );
      let done = 0;
      const scores = (await runJobs({
        context,
        kind: 'score-module',
        payloads,
        ...fanOut,
        onResult: (_job, result) => {
          // Each score as it arrives, so the dashboard's heatmap fills in cell by cell.
          const score = result as ModuleScore;
          context.metric('robustness', score.score, { series: score.module });
          context.progress(++done, modules.length, { unit: 'module', label: score.module });
        },
      })) as ModuleScore[];
      const heatmap = robustnessHeatmap(scores, numLayers);
      context.log(`robustness (${proxy.name}; higher = more robust):\n${formatHeatmap(heatmap)}`);
      const artifact: RobustnessArtifact = { proxy: proxy.name, scores, heatmap };
      await context.store.writeJson('robustness.json', artifact);
    },
  };
}
