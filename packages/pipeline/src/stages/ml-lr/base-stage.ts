import type { Stage, StageContext } from '@mllr/core';
import type { BaseArtifact } from './artifacts.js';
import { inferenceHashInputs, type RunResources } from './run-resources.js';

/** `base`: the aligned model to protect — checks it loads on the training and inference engines and records what it is. */
export function baseStage(resources: RunResources): Stage {
  return {
    name: 'base',
    title: 'load the base model',
    // Not `engine.workers`: how many processes share the work never changes a result.
    hashInputs: (config) => ({
      model: config.model,
      engine: { training: config.engine.training, device: config.engine.device },
      ...inferenceHashInputs(config, 'base'),
    }),
    async run(context: StageContext) {
      const engine = await resources.openTraining();
      try {
        const inference = await resources.openInference('base');
        const inferenceInfo = { engine: inference.name, device: inference.device };
        await inference.dispose();
        let parameters = 0;
        const names = engine.tensorNames();
        for (const t of await engine.getWeights(names)) parameters += t.data.length;
        const artifact: BaseArtifact = {
          model: resources.modelDir,
          family: engine.architecture.family,
          parameters,
          numLayers: engine.architecture.numLayers,
          engine: engine.name,
          device: engine.device,
          inference: inferenceInfo,
        };
        context.log(
          `${artifact.model}: ${artifact.family}, ${parameters.toLocaleString('en-US')} parameters, ${artifact.numLayers} layers; ` +
            `training on ${engine.name} (${engine.device}), inference on ${inference.name} (${inference.device})`,
        );
        await context.store.writeJson('base.json', artifact);
      } finally {
        await engine.dispose();
      }
    },
  };
}
