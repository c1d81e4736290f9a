import { resourceScope, type Stage, type StageContext } from '@mllr/core';
import type { BaseArtifact } from './artifacts.js';
import type { RunConfig } from '@mllr/core';
import { saveMergedCheckpoint } from '@mllr/model';
import { hubRecord } from '../../models/resolve-model-dir.js';
import { inferenceHashInputs, type RunResources } from './run-resources.js';

/** `base`: the aligned model to protect — checks it loads on the training and inference engines and records what it is. */
export function baseStage(resources: RunResources): Stage {
  return {
    name: 'base',
    title: 'load the base model',
    // Not `engine.workers`: how many processes share the work never changes a result.
    hashInputs: (config) => ({
      model: modelHashInputs(config, resources),
      engine: { training: config.engine.training, device: config.engine.device },
      ...inferenceHashInputs(config, 'base'),
    }),
    async run(context: StageContext) {
      const adapted = resources.modelAdapter;
      if (adapted) {
        await saveMergedCheckpoint(adapted.model, adapted.adapter, resources.modelDir);
        context.log(`model.adapter: ${adapted.adapter} merged into ${adapted.model}, written to ${resources.modelDir}`);
      }
      // The stage's scope owns both engines and disposes them when the stage ends, however it ends.
      const scope = resourceScope(context.container);
      const engine = scope.own(await resources.openTraining());
      const inference = scope.own(await resources.openInference('base'));
      const inferenceInfo = { engine: inference.name, device: inference.device };
      await scope.release(inference);
      let parameters = 0;
      const names = engine.tensorNames();
      for (const t of await engine.getWeights(names)) parameters += t.data.length;
      const hub = hubRecord(resources.modelSource);
      const artifact: BaseArtifact = {
        model: resources.modelDir,
        ...(hub ? { hub } : {}),
        family: engine.architecture.family,
        parameters,
        numLayers: engine.architecture.numLayers,
        engine: engine.name,
        device: engine.device,
        inference: inferenceInfo,
      };
      context.log(
        `${hub ? `${hub.id} (commit ${hub.commit}) at ` : ''}${artifact.model}: ${artifact.family}, ${parameters.toLocaleString('en-US')} parameters, ${artifact.numLayers} layers; ` +
          `training on ${engine.name} (${engine.device}), inference on ${inferenceInfo.engine} (${inferenceInfo.device})`,
      );
      await context.store.writeJson('base.json', artifact);
    },
  };
}

/**
 * The model settings a base stage's result depends on: `model` without `download` (how the files arrived changes
 * nothing), plus, for a Hub id, the commit it resolved to, so a moved branch reruns the stages on the new weights.
 */
function modelHashInputs(config: RunConfig, resources: RunResources): Record<string, unknown> {
  const { download: _download, ...model } = config.model;
  if (model.pretrain) return model;
  const hub = hubRecord(resources.modelSource);
  return hub ? { ...model, commit: hub.commit } : model;
}
