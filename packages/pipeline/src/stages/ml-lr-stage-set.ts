import {
  EventSink,
  MllrError,
  type DependencyContainer,
  type EventSink as EventSinkService,
  type PluginInfo,
  type RunConfig,
  RunConfigToken,
  type StageSet,
} from '@mllr/core';
import { baseStage } from './ml-lr/base-stage.js';
import { evalStage } from './ml-lr/eval-stage.js';
import { iftStage } from './ml-lr/ift-stage.js';
import { dataProblems, modelProblems } from './ml-lr/preflight-checks.js';
import { pretrainStage } from './ml-lr/pretrain-stage.js';
import { proxyStage } from './ml-lr/proxy-stage.js';
import { reportStage } from './ml-lr/report-stage.js';
import { robustnessStage } from './ml-lr/robustness-stage.js';
import { RunResources } from './ml-lr/run-resources.js';
import { searchStage } from './ml-lr/search-stage.js';
import { validateStage } from './ml-lr/validate-stage.js';
import { INFERENCE_STAGES, stageEngines, stageEnginesText } from './ml-lr/stage-engines.js';

/** The stage names of the ML-LR pipeline, in order (see DESIGN.md); `pretrain` comes first when the config asks for it. */
export const ML_LR_STAGES = ['base', 'proxy', 'robustness', 'search', 'ift', 'eval', 'report'] as const;

export { INFERENCE_STAGES } from './ml-lr/stage-engines.js';

/**
 * The built-in `ml-lr` stage set: [pretrain →] base → proxy → robustness → search → ift → eval [→ validate] → report
 * (`validate` with `validate.enabled`).
 */
export function register(container: DependencyContainer, _options: Record<string, unknown>, info: PluginInfo): void {
  const config = container.resolve<RunConfig>(RunConfigToken);
  for (const stage of Object.keys(config.engine.stage_inference)) {
    if (!(INFERENCE_STAGES as readonly string[]).includes(stage)) {
      throw new MllrError(
        'CONFIG_INVALID',
        `engine.stage_inference.${stage}: no such stage runs inference; stages that do: ${INFERENCE_STAGES.join(', ')}`,
      );
    }
  }
  const resources = new RunResources(config, container, info.configDir);
  const stageSet: StageSet = {
    name: 'ml-lr',
    info: {
      model: config.model.path,
      // Devices are known only once engines open (each plugin reads its own device option), so the header names the
      // engines only; the report and base.json record the devices they ran on.
      engine: stageEnginesText(stageEngines(config), { compact: true }),
    },
    stages: [
      ...(config.model.pretrain ? [pretrainStage(resources)] : []),
      baseStage(resources),
      proxyStage(resources),
      robustnessStage(resources),
      searchStage(resources),
      iftStage(resources),
      evalStage(resources),
      ...(config.validate.enabled ? [validateStage(resources)] : []),
      reportStage(),
    ],
    preflight: async () => {
      // A Hub id downloaded under model.download reports its progress as log lines.
      const log = (message: string) =>
        container.resolve<EventSinkService>(EventSink).emit({ type: 'log', level: 'info', message });
      return [
        ...(await modelProblems(config, info.configDir, log)),
        ...(await dataProblems(config, resources.dataDir)),
      ];
    },
  };
  container.register(info.token, { useValue: stageSet });
}
