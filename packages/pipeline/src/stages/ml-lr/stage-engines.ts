import type { PluginRef, RunConfig } from '@mllr/core';
import { canonicalJson } from '../../run/canonical-hash.js';

/** The stages that run an inference engine, which `engine.stage_inference` may set one by one. */
export const INFERENCE_STAGES = ['base', 'proxy', 'robustness', 'search', 'eval'] as const;

/** The stages that open the training engine: to train, or (robustness, search) to perturb modules' weights. */
export const TRAINING_STAGES = ['pretrain', 'base', 'robustness', 'search', 'ift'] as const;

/** An engine as a run met it: its name and, where known, the device it ran on. */
export interface EngineIdentity {
  engine: string;
  device?: string;
}

/** One engine in one role and the stages that used it in that role. */
export interface EngineUse extends EngineIdentity {
  role: 'training' | 'inference';
  stages: string[];
}

/** What the run recorded about its engines (base.json): the training engine and the default inference engine. */
export interface RecordedEngines {
  training?: EngineIdentity;
  inference?: EngineIdentity;
}

/**
 * Which engine each stage of a config runs on, grouped: the training engine, then each inference engine with its
 * stages (`engine.stage_inference` moves single stages to another engine). Devices come from `recorded` where the
 * run recorded them (the training engine and the default inference engine); an override shows its plugin name.
 */
export function stageEngines(config: Pick<RunConfig, 'engine' | 'model'>, recorded: RecordedEngines = {}): EngineUse[] {
  const uses: EngineUse[] = [];
  const add = (role: EngineUse['role'], identity: EngineIdentity, stage: string) => {
    const same = uses.find((u) => u.role === role && u.engine === identity.engine && u.device === identity.device);
    if (same) same.stages.push(stage);
    else uses.push({ role, ...identity, stages: [stage] });
  };
  const training = recorded.training ?? { engine: pluginName(config.engine.training) };
  for (const stage of TRAINING_STAGES) {
    if (stage !== 'pretrain' || config.model.pretrain) add('training', training, stage);
  }
  const defaultRef = canonicalJson(config.engine.inference);
  for (const stage of INFERENCE_STAGES) {
    const own = config.engine.stage_inference[stage];
    const isDefault = own === undefined || canonicalJson(own) === defaultRef;
    add(
      'inference',
      isDefault ? (recorded.inference ?? { engine: pluginName(config.engine.inference) }) : { engine: pluginName(own) },
      stage,
    );
  }
  return uses;
}

/**
 * The engines as one line: `training tfjs (wasm): base, robustness, search, ift · inference onnx (cpu): base, proxy, …`.
 * `compact` (the dashboard header) names the stages only of engines other than each role's main one:
 * `training tfjs (wasm) · inference onnx · inference tfjs: eval`.
 */
export function stageEnginesText(uses: readonly EngineUse[], options: { compact?: boolean } = {}): string {
  return uses
    .map((u, i) => {
      const main = uses.findIndex((other) => other.role === u.role) === i;
      const stages = options.compact && main ? '' : `: ${u.stages.join(', ')}`;
      return `${u.role} ${u.engine}${u.device ? ` (${u.device})` : ''}${stages}`;
    })
    .join(' · ');
}

/** The name a config gives a plugin: its built-in name or its module specifier. */
export function pluginName(ref: PluginRef): string {
  return ref.name ?? ref.module ?? '(unnamed)';
}
