import { MllrError, type DependencyContainer, type PluginInfo } from '@mllr/core';

/** The stage names of the ML-LR pipeline, in order (see DESIGN.md). */
export const ML_LR_STAGES = ['base', 'proxy', 'robustness', 'search', 'ift', 'eval', 'report'] as const;

/**
 * The built-in `ml-lr` stage set. Its stages need the model, engine and method packages, which are not part of
 * this release yet; saying so plainly beats a half-run pipeline.
 */
export function register(_container: DependencyContainer, _options: Record<string, unknown>, info: PluginInfo): void {
  throw new MllrError(
    'NOT_IMPLEMENTED',
    `the ML-LR stages (${ML_LR_STAGES.join(' → ')}) are not built yet: they need the model, engine and method packages ` +
      `that arrive in later releases. A custom stage set runs today: set \`stages: { module: ./my-stages.js }\` in the ` +
      `config (see packages/pipeline/README.md). [${info.slot}: ${info.name}]`,
  );
}
