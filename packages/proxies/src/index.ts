// Public API of @mllr/proxies: the security feature classifier and the module robustness proxies.
export { fitLogistic, logit, score } from './probe/logistic-regression.js';
export type { LogisticModel, LogisticOptions } from './probe/logistic-regression.js';
export { encodeProbePrompts, extractFeatures } from './probe/probe-features.js';
export { FrozenSecurityProbe, restoreSecurityProbe, trainSecurityProbe } from './probe/security-probe.js';
export type { LayerAccuracy, ProbeTrainingOptions, ProbeTrainingResult } from './probe/security-probe.js';
export { DEFAULT_PERTURBATION, perturbedTensors } from './proxies/perturbation.js';
export type { PerturbationKind, PerturbationOptions } from './proxies/perturbation.js';
export {
  DEFAULT_PROXY_OPTIONS,
  ProbeRobustnessProxy,
  evaluateModuleSet,
  featureDrift,
  marginStability,
} from './proxies/probe-robustness-proxy.js';
export type { ProxyOptions, RobustnessMeasure } from './proxies/probe-robustness-proxy.js';
export { proxyOptionsSchema } from './options.js';
export type { ProxyConfig } from './options.js';
export { createProxy, optionsSchema, register } from './plugin.js';
export { formatHeatmap, robustnessHeatmap } from './heatmap.js';
export type { RobustnessHeatmap } from './heatmap.js';
