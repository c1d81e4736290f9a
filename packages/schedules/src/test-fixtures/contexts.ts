import { allModuleIds, moduleTensorNames, type LrScheduleContext, type ModuleId } from '@mllr/core';

/** Non-module tensor names of an `numLayers`-layer llama-style model: embeddings, layer norms, final norm, head. */
export function nonModuleTensors(numLayers: number): string[] {
  const names = ['model.embed_tokens.weight'];
  for (let l = 0; l < numLayers; l++)
    names.push(`model.layers.${l}.input_layernorm.weight`, `model.layers.${l}.post_attention_layernorm.weight`);
  names.push('model.norm.weight', 'lm_head.weight');
  return names;
}

/** A schedule context over a synthetic `numLayers`-layer model (no weights needed), with overrides. */
export function syntheticContext(
  robust: readonly ModuleId[],
  overrides: Partial<LrScheduleContext> & { numLayers?: number; qkvBias?: boolean } = {},
): LrScheduleContext {
  const { numLayers = 2, qkvBias = false, ...rest } = overrides;
  const modules = allModuleIds(numLayers);
  const tensorsOf = (module: ModuleId) => moduleTensorNames(module, { qkvBias });
  return {
    modules,
    robust,
    tensors: [...nonModuleTensors(numLayers), ...modules.flatMap(tensorsOf)],
    tensorsOf,
    learningRate: 0.01,
    weightDecay: 0.1,
    totalSteps: 10,
    ...rest,
  };
}
