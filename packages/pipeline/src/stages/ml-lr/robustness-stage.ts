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
        const shown = new Set<string>();
        const scores = await proxy.score({
          ...robustness,
          onProgress: (done, total, module, score) => {
            // Each score as it arrives, so the dashboard's heatmap fills in cell by cell.
            if (score) {
              context.metric('robustness', score.score, { series: module });
              shown.add(module);
            }
            context.progress(done, total, { unit: 'module', label: module });
          },
        });
        // A proxy that reports progress without scores still gets its heatmap, all at once.
        for (const s of scores) if (!shown.has(s.module)) context.metric('robustness', s.score, { series: s.module });
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
