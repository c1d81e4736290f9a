import { allModuleIds, type RobustnessContext, type StageContext } from '@mllr/core';
import { restoreSecurityProbe } from '@mllr/proxies';
import { classifierFromJson, type ProxyArtifact } from './artifacts.js';
import type { FullEngine, RunResources } from './run-resources.js';

/** The robustness context of the base model: its engine, the frozen probe from proxy.json, benign IFT examples. */
export async function probeContext(resources: RunResources, context: StageContext, engine: FullEngine): Promise<RobustnessContext> {
  const saved = await context.store.readJson<ProxyArtifact>('proxy.json');
  const tokenizer = await resources.modelTokenizer();
  const probe = await restoreSecurityProbe(engine, tokenizer, {
    layer: saved.layer,
    model: classifierFromJson(saved.classifier),
    prompts: saved.validation.prompts,
    labels: saved.validation.labels,
  });
  return {
    modules: allModuleIds(engine.architecture.numLayers),
    probe,
    inference: engine,
    training: engine,
    seed: context.config.seed,
    iftExamples: await resources.iftExamples(),
    checkpoint: () => context.checkpoint(),
  };
}
