import { resourceScope, type Stage, type StageContext } from '@mllr/core';
import { trainSecurityProbe } from '@mllr/proxies';
import { classifierToJson, type ProxyArtifact } from './artifacts.js';
import { checkProbeQuality, lengthOnlyAccuracy } from './probe-check.js';
import { recordDataUse } from './data-use.js';
import { dataHashInputs } from './run-data.js';
import { inferenceHashInputs, type RunResources } from './run-resources.js';

/** `proxy`: trains the security feature classifier on harmful vs benign prompts and records per-layer accuracy. */
export function proxyStage(resources: RunResources): Stage {
  return {
    name: 'proxy',
    title: 'train the security feature probe',
    // A fixed layer joins the hash; `auto` leaves it as it was before the option existed, so old runs still resume.
    hashInputs: (config) => ({
      seed: config.seed,
      data: dataHashInputs(config, 'probe'),
      probe: config.probe.layer === 'auto' ? undefined : { layer: config.probe.layer },
      ...inferenceHashInputs(config, 'proxy'),
    }),
    async run(context: StageContext) {
      const engine = resourceScope(context.container).own(await resources.openInference('proxy'));
      const { probe } = await resources.data();
      await recordDataUse(context, resources, 'probe');
      context.log(`probe prompts: ${probe.harmful.length} harmful, ${probe.benign.length} benign`);
      const result = await trainSecurityProbe(engine, await resources.modelTokenizer(), {
        harmful: probe.harmful,
        benign: probe.benign,
        seed: context.config.seed,
        layer: context.config.probe.layer,
      });
      for (const r of result.perLayer) {
        context.metric('probe_accuracy', r.validationAccuracy, { step: r.layer, series: 'validation' });
        context.log(
          `layer ${r.layer}: train ${r.trainAccuracy.toFixed(3)}, validation ${r.validationAccuracy.toFixed(3)}, margin ${r.validationMargin.toFixed(2)}`,
        );
      }
      const clean = result.probe.clean;
      context.log(
        `probe on layer ${result.probe.layer}: clean accuracy ${clean.accuracy.toFixed(3)}, mean margin ${clean.meanMargin.toFixed(2)}`,
      );
      const artifact: ProxyArtifact = {
        layer: result.probe.layer,
        clean_accuracy: clean.accuracy,
        clean_margin: clean.meanMargin,
        per_layer: result.perLayer,
        classifier: classifierToJson(result.probe.model),
        validation: result.validation,
      };
      // A probe at chance would make every module score noise: stop here, before robustness, or carry the warning.
      // proxy.json is written either way, so the per-layer accuracies can be read after a stop.
      let stop: unknown;
      try {
        const tokenizer = await resources.modelTokenizer();
        const length = (p: string) => tokenizer.encode(p).length;
        const held = new Set(artifact.validation.prompts);
        const trainHarmful = probe.harmful.filter((p) => !held.has(p));
        const trainBenign = probe.benign.filter((p) => !held.has(p));
        artifact.length_only_accuracy = lengthOnlyAccuracy(
          {
            lengths: [...trainHarmful, ...trainBenign].map(length),
            labels: [...trainHarmful.map(() => 1), ...trainBenign.map(() => 0)],
          },
          { lengths: artifact.validation.prompts.map(length), labels: artifact.validation.labels },
        );
        context.log(
          `prompt length alone separates the validation prompts with accuracy ${artifact.length_only_accuracy.toFixed(3)}`,
        );
        const quality = {
          layer: artifact.layer,
          accuracy: artifact.clean_accuracy,
          lengthOnlyAccuracy: artifact.length_only_accuracy,
        };
        const weak = checkProbeQuality(quality, context.config.probe);
        if (weak) {
          context.log(`warning: ${weak.warning}`);
          artifact.warnings = [weak.warning];
        }
      } catch (error) {
        stop = error;
        artifact.warnings = [(error as Error).message];
      }
      await context.store.writeJson('proxy.json', artifact);
      if (stop !== undefined) throw stop;
    },
  };
}
