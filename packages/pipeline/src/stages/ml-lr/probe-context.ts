import {
  allModuleIds,
  type InferenceEngine,
  type ResourceScope,
  type RobustnessContext,
  type StageContext,
  type TrainingEngine,
} from '@mllr/core';
import { restoreSecurityProbe } from '@mllr/proxies';
import { classifierFromJson, type ProxyArtifact } from './artifacts.js';
import type { RunResources } from './run-resources.js';

/** The engines a probing stage works with: inference reads the probe's features, training perturbs modules. */
export interface ProbeEngines {
  inference: InferenceEngine;
  training: TrainingEngine;
}

/** Opens the base model on the stage's inference engine and on the training engine, both owned by `scope`. */
export async function openProbeEngines(
  resources: RunResources,
  stage: string,
  scope: ResourceScope,
): Promise<ProbeEngines> {
  const training = scope.own(await resources.openTraining());
  const inference = scope.own(await resources.openInference(stage));
  return { inference, training };
}

/** The robustness context of the base model: its engines, the frozen probe from proxy.json, benign IFT examples. */
export async function probeContext(
  resources: RunResources,
  context: StageContext,
  engines: ProbeEngines,
): Promise<RobustnessContext> {
  const saved = await context.store.readJson<ProxyArtifact>('proxy.json');
  const tokenizer = await resources.modelTokenizer();
  const probe = await restoreSecurityProbe(engines.inference, tokenizer, {
    layer: saved.layer,
    model: classifierFromJson(saved.classifier),
    prompts: saved.validation.prompts,
    labels: saved.validation.labels,
  });
  return {
    modules: allModuleIds(engines.inference.architecture.numLayers),
    probe,
    inference: engines.inference,
    training: engines.training,
    seed: context.config.seed,
    iftExamples: await resources.iftExamples(),
    throwIfStopped: () => context.throwIfStopped(),
  };
}
