import { RobustnessProxy, PluginLoader, type Stage, type StageContext } from '@mllr/core';
import { formatHeatmap, robustnessHeatmap } from '@mllr/proxies';
import type { RobustnessArtifact } from './artifacts.js';
import { probeContext } from './probe-context.js';
import { dataHashInputs } from './run-data.js';
import type { RunResources } from './run-resources.js';

/** `robustness`: scores every module with the configured proxy and writes the module-type × layer heatmap. */
export function robustnessStage(resources: RunResources): Stage {
  return {
    name: 'robustness',
    title: 'score module robustness',
    hashInputs: (config) => ({ proxy: config.proxy, seed: config.seed, ift: dataHashInputs(config, 'ift') }),
    async run(context: StageContext) {
      const proxy = await context.container.resolve<PluginLoader>(PluginLoader).load<RobustnessProxy>('proxy', context.config.proxy, 'proxy');
      const engine = await resources.openEngine();
      try {
        const robustness = await probeContext(resources, context, engine);
        const scores = await proxy.score({
          ...robustness,
          onProgress: (done, total, module) => context.progress(done, total, { unit: 'module', label: module }),
        });
        for (const s of scores) context.metric('robustness', s.score, { series: s.module });
        const heatmap = robustnessHeatmap(scores, engine.architecture.numLayers);
        context.log(`robustness (${proxy.name}; higher = more robust):\n${formatHeatmap(heatmap)}`);
        const artifact: RobustnessArtifact = { proxy: proxy.name, scores, heatmap };
        await context.store.writeJson('robustness.json', artifact);
      } finally {
        await engine.dispose();
      }
    },
  };
}
