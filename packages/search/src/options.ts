import { MllrError, MODULE_TYPES } from '@mllr/core';
import { z, type ZodType } from 'zod';

/** Default share of all modules that greedy may pick and topk picks: a quarter (ours; the paper gives no number). */
export const DEFAULT_MAX_FRACTION = 0.25;
/** Default probe value, as a fraction of clean, that the grown set must keep (ours). */
export const DEFAULT_THRESHOLD = 0.95;
/** Default number of rejections in a row after which greedy stops (ours). */
export const DEFAULT_MAX_CONSECUTIVE_REJECTS = 8;
/** Default name of the earlier result whose size the random and inverse controls copy. */
export const DEFAULT_SIZE_OF = 'greedy';

const positiveInt = z.number().int().positive();
const fraction = z.number().gt(0).max(1);

/** Layer part of a selector: `*`, `3`, `0-3` or `0,2,5-7` (ranges against the model are checked when searching). */
const layerList = z
  .string()
  .trim()
  .regex(/^(\*|\d+(-\d+)?(,\d+(-\d+)?)*)$/, 'a layer list such as "*", "3", "0-3" or "0,2,5-7"');

/**
 * Size cap shared by greedy and topk: an absolute count or a share of all modules, never both — with both, one would
 * have to silently win.
 */
function oneSizeOnly(absolute: 'maxModules' | 'k') {
  return (
    options: { maxFraction?: number | undefined } & Partial<Record<typeof absolute, number>>,
    ctx: z.RefinementCtx,
  ) => {
    if (options.maxFraction !== undefined && options[absolute] !== undefined) {
      ctx.addIssue({ code: 'custom', path: [absolute], message: `give ${absolute} or maxFraction, not both` });
    }
  };
}

/** Options of the `greedy` search. */
export const GreedyOptionsSchema = z
  .strictObject({
    threshold: fraction.default(DEFAULT_THRESHOLD),
    maxFraction: fraction.optional(),
    maxModules: positiveInt.optional(),
    maxConsecutiveRejects: positiveInt.default(DEFAULT_MAX_CONSECUTIVE_REJECTS),
    minScore: z.number().finite().optional(),
  })
  .superRefine(oneSizeOnly('maxModules'));

/** Options of the `topk` search. */
export const TopKOptionsSchema = z
  .strictObject({
    k: positiveInt.optional(),
    maxFraction: fraction.optional(),
  })
  .superRefine(oneSizeOnly('k'));

/** Options of the `pattern` search: module types × a layer list, or core module selectors. */
export const PatternOptionsSchema = z
  .strictObject({
    types: z.array(z.enum(MODULE_TYPES)).min(1, 'list at least one module type').optional(),
    layers: layerList.optional(),
    selectors: z
      .array(z.string().trim().min(1, 'a selector cannot be empty'))
      .min(1, 'list at least one selector')
      .optional(),
  })
  .superRefine((options, ctx) => {
    const byParts = options.types !== undefined || options.layers !== undefined;
    if (options.selectors !== undefined && byParts) {
      ctx.addIssue({
        code: 'custom',
        path: ['selectors'],
        message: 'give selectors, or types and/or layers, not both',
      });
    } else if (options.selectors === undefined && !byParts) {
      // An empty pattern would mean "every module", which is almost certainly a config slip.
      ctx.addIssue({ code: 'custom', path: [], message: 'give types and/or layers, or selectors' });
    }
  });

/**
 * How a control is sized: as large as an earlier search result (`sizeOf`, greedy's by default) or an explicit `size`,
 * never both.
 */
const SizeMatchOptionsSchema = z
  .strictObject({
    sizeOf: z.string().trim().min(1, 'name an earlier search result').optional(),
    size: positiveInt.optional(),
  })
  .superRefine((options, ctx) => {
    if (options.size !== undefined && options.sizeOf !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['size'], message: 'give size or sizeOf, not both' });
    }
  });

/** Options of the `random` control. */
export const RandomOptionsSchema = SizeMatchOptionsSchema;

/** Options of the `inverse` control: sized like `random`. */
export const InverseOptionsSchema = SizeMatchOptionsSchema;

/** Options of `greedy` as written in a config (defaults not yet applied). */
export type GreedyOptions = z.input<typeof GreedyOptionsSchema>;
/** Options of `topk` as written in a config. */
export type TopKOptions = z.input<typeof TopKOptionsSchema>;
/** Options of `pattern` as written in a config. */
export type PatternOptions = z.input<typeof PatternOptionsSchema>;
/** Options of `random` as written in a config. */
export type RandomOptions = z.input<typeof RandomOptionsSchema>;
/** Options of `inverse` as written in a config. */
export type InverseOptions = z.input<typeof InverseOptionsSchema>;

/**
 * Validates options against a schema, or throws ARGUMENT_INVALID with one detail per problem at `options.<path>`.
 * Both the plugin entry and the constructors use it, so a strategy built by hand is checked the same way.
 */
export function parseOptions<S extends ZodType>(schema: S, options: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(options ?? {});
  if (parsed.success) return parsed.data;
  throw new MllrError('ARGUMENT_INVALID', `options of ${what} are invalid:`, {
    details: parsed.error.issues.map((issue) => ({
      where: ['options', ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  });
}
