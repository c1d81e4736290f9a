import { isAbsolute, resolve } from 'node:path';
import { MllrError, type DependencyContainer, type PluginInfo, type PluginSlot } from '@mllr/core';
import type { z, ZodType } from 'zod';
import { AccuracyEvaluator } from './evaluators/accuracy-evaluator.js';
import { HarmfulAsrEvaluator, OverRefusalEvaluator } from './evaluators/harm-evaluators.js';
import { LlmJudge } from './llm/llm-judge.js';
import { OnnxClassifierJudge } from './onnx/onnx-classifier-judge.js';
import {
  AccuracyOptionsSchema,
  HarmEvaluatorOptionsSchema,
  LlmJudgeOptionsSchema,
  OnnxClassifierOptionsSchema,
  RefusalOptionsSchema,
} from './options.js';
import { RefusalDetector } from './refusal/refusal-detector.js';

/** One plugin of this package: its options schema and how to build it from validated options. */
interface PluginEntry {
  schema: ZodType;
  create(options: unknown, info: PluginInfo): unknown;
}

function entry<S extends ZodType>(schema: S, create: (options: z.output<S>, info: PluginInfo) => unknown): PluginEntry {
  return { schema, create: (options, info) => create(options as z.output<S>, info) };
}

/** Resolves a path from a config file against the config file's folder. */
const fromConfig = (info: PluginInfo, path: string) => (isAbsolute(path) ? path : resolve(info.configDir, path));

/** The plugins this package provides, per slot. */
const PLUGINS: Partial<Record<PluginSlot, Record<string, PluginEntry>>> = {
  judge: {
    refusal: entry(RefusalOptionsSchema, (options) => new RefusalDetector(options)),
    llm: entry(LlmJudgeOptionsSchema, (options) => new LlmJudge(options)),
    'onnx-classifier': entry(OnnxClassifierOptionsSchema, (options, info) => {
      const { tokenizerPath, ...rest } = options;
      return new OnnxClassifierJudge({
        ...rest,
        modelPath: fromConfig(info, options.modelPath),
        ...(tokenizerPath !== undefined ? { tokenizerPath: fromConfig(info, tokenizerPath) } : {}),
      });
    }),
  },
  evaluator: {
    harmful_asr: entry(HarmEvaluatorOptionsSchema, () => new HarmfulAsrEvaluator()),
    over_refusal: entry(HarmEvaluatorOptionsSchema, () => new OverRefusalEvaluator()),
    usability: entry(AccuracyOptionsSchema, (options) => new AccuracyEvaluator('usability', options)),
    expertise: entry(AccuracyOptionsSchema, (options) => new AccuracyEvaluator('expertise', options)),
  },
};

/** The zod schema of a plugin's options, or undefined when this package has no plugin of that name in that slot. */
export function optionsSchema(name: string, slot: PluginSlot): ZodType | undefined {
  return PLUGINS[slot]?.[name]?.schema;
}

/**
 * Plugin entry: binds `info.token` to the judge (`refusal`, `llm`, `onnx-classifier`) or evaluator (`harmful_asr`,
 * `over_refusal`, `usability`, `expertise`) named by `info.name`. Options are validated again here, so defaults
 * apply also when the caller skipped `optionsSchema`.
 */
export function register(container: DependencyContainer, options: Record<string, unknown>, info: PluginInfo): void {
  const plugin = PLUGINS[info.slot]?.[info.name];
  if (!plugin) {
    const known = Object.keys(PLUGINS[info.slot] ?? {});
    throw new MllrError(
      'PLUGIN_UNKNOWN',
      `@mllr/eval has no ${info.slot} plugin "${info.name}"` +
        (known.length > 0 ? `; it provides ${known.join(', ')}` : ''),
    );
  }
  const parsed = plugin.schema.safeParse(options);
  if (!parsed.success) {
    throw new MllrError('ARGUMENT_INVALID', `options of the ${info.slot} plugin "${info.name}" are invalid:`, {
      details: parsed.error.issues.map((issue) => ({
        where: ['options', ...issue.path.map(String)].join('.'),
        message: issue.message,
      })),
    });
  }
  container.register(info.token, { useValue: plugin.create(parsed.data, info) });
}
