import { MllrError, type DependencyContainer, type PluginInfo } from '@mllr/core';
import { proxyOptionsSchema } from './options.js';
import { ProbeRobustnessProxy, type ProxyOptions } from './proxies/probe-robustness-proxy.js';

/** Builds the named proxy from validated options. */
export function createProxy(name: string, options: Record<string, unknown>): ProbeRobustnessProxy {
  const o = proxyOptionsSchema.parse(options);
  const settings: ProxyOptions = {
    sigma: o.sigma,
    repeats: o.repeats,
    iftSteps: o.iftSteps,
    iftLearningRate: o.iftLearningRate,
    iftBatchSize: o.iftBatchSize,
  };
  switch (name) {
    case 'noise':
      return new ProbeRobustnessProxy('noise', 'noise', 'margin', settings);
    case 'ift':
      return new ProbeRobustnessProxy('ift', 'ift', 'margin', settings);
    case 'drift':
      return new ProbeRobustnessProxy('drift', o.under, 'drift', settings);
    default:
      throw new MllrError('PLUGIN_UNKNOWN', `@mllr/proxies has no proxy "${name}"; it provides noise, ift, drift`);
  }
}

/** Plugin entry for the `proxy` slot. */
export function register(container: DependencyContainer, options: Record<string, unknown>, info: PluginInfo): void {
  container.register(info.token, { useValue: createProxy(info.name, options) });
}

/** The options schema of every proxy. */
export function optionsSchema(): typeof proxyOptionsSchema {
  return proxyOptionsSchema;
}
