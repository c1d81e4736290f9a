import { z } from 'zod';
import { DEFAULT_PROXY_OPTIONS } from './proxies/probe-robustness-proxy.js';

/** Options of every proxy (`noise`, `ift`, `drift`); unknown keys are errors. */
export const proxyOptionsSchema = z.strictObject({
  sigma: z.number().positive().default(DEFAULT_PROXY_OPTIONS.sigma),
  repeats: z.number().int().positive().default(DEFAULT_PROXY_OPTIONS.repeats),
  iftSteps: z.number().int().positive().default(DEFAULT_PROXY_OPTIONS.iftSteps),
  iftLearningRate: z.number().positive().default(DEFAULT_PROXY_OPTIONS.iftLearningRate),
  iftBatchSize: z.number().int().positive().default(DEFAULT_PROXY_OPTIONS.iftBatchSize),
  /** For `drift`: which perturbation moves the features. */
  under: z.enum(['noise', 'ift']).default('noise'),
});

/** Parsed proxy options. */
export type ProxyConfig = z.output<typeof proxyOptionsSchema>;
