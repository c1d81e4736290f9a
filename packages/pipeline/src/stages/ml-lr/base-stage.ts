import type { Stage, StageContext } from '@mllr/core';
import type { BaseArtifact } from './artifacts.js';
import type { RunResources } from './run-resources.js';

/** `base`: the aligned model to protect — checks it loads on the training engine and records what it is. */
export function baseStage(resources: RunResources): Stage {
  return {
    name: 'base',
    title: 'load the base model',
    hashInputs: (config) => ({ model: config.model, engine: config.engine }),
    async run(context: StageContext) {
      const engine = await resources.openEngine();
      try {
        let parameters = 0;
        const names = engine.tensorNames?.() ?? [];
        for (const t of await engine.getWeights(names)) parameters += t.data.length;
        const artifact: BaseArtifact = {
          model: resources.modelDir,
          family: engine.architecture.family,
          parameters,
          numLayers: engine.architecture.numLayers,
          engine: engine.name,
          device: engine.device,
        };
        context.log(`${artifact.model}: ${artifact.family}, ${parameters.toLocaleString('en-US')} parameters, ${artifact.numLayers} layers, ${engine.name} on ${engine.device}`);
        await context.store.writeJson('base.json', artifact);
      } finally {
        await engine.dispose();
      }
    },
  };
}
