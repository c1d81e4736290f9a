import { z } from 'zod';

/** Default α of `ml-lr`: the rest trains at 0.1 × the learning rate. Ours: the paper only says "much smaller". */
export const DEFAULT_ALPHA = 0.1;

/** Default warm-up share of `swat`: the first 10% of the steps train Mods_Robust alone. Ours, like α. */
export const DEFAULT_WARMUP_FRACTION = 0.1;

const rate = z.number().min(0, 'a learning rate must be ≥ 0');

/** The non-module rule: `rest`, `robust`, `frozen` or an explicit rate. */
export const NonModuleRuleSchema = z.union([z.enum(['rest', 'robust', 'frozen']), rate]);

/** Options every schedule shares: the non-module rule and the shape over steps. */
const COMMON = {
  nonModule: NonModuleRuleSchema.default('robust'),
  shape: z.enum(['constant', 'linear', 'cosine']).default('constant'),
  warmupSteps: z.number().int().min(0).default(0),
  // Optional rather than defaulted, so that giving it to a shape that ignores it can be reported.
  minRatio: z.number().min(0).max(1).optional(),
};

type CommonOptions = { shape: string; minRatio?: number | undefined };

function checkShape(options: CommonOptions, ctx: z.RefinementCtx): void {
  if (options.shape === 'constant' && options.minRatio !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['minRatio'],
      message: 'minRatio applies to the linear and cosine shapes only',
    });
  }
}

/** Default `lrScale` of `uniform`: plain fine-tuning at the learning rate itself. */
export const DEFAULT_LR_SCALE = 1;

/**
 * Options of `uniform`. `lrScale` multiplies the learning rate of every group: plain fine-tuning at a smaller rate,
 * the control that asks whether ML-LR protects merely by training most weights slowly.
 */
export const UniformOptionsSchema = z
  .strictObject({ ...COMMON, lrScale: z.number().positive('lrScale must be > 0').optional() })
  .superRefine(checkShape);

/** Options of `ml-lr`. `alpha` and `restLr` are two ways to set the rest's rate: give at most one. */
export const MlLrOptionsSchema = z
  .strictObject({
    ...COMMON,
    robustLr: rate.optional(),
    alpha: z.number().min(0).max(1).optional(),
    restLr: rate.optional(),
  })
  .superRefine(checkShape)
  .superRefine((options, ctx) => {
    if (options.alpha !== undefined && options.restLr !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['restLr'],
        message: 'give either alpha (restLr = alpha × learning rate) or restLr, not both',
      });
    }
  });

/** Options of `swat`. */
export const SwatOptionsSchema = z
  .strictObject({ ...COMMON, warmupFraction: z.number().min(0).max(1).default(DEFAULT_WARMUP_FRACTION) })
  .superRefine(checkShape);

/** Options of `freeze`. */
export const FreezeOptionsSchema = z.strictObject({ ...COMMON }).superRefine(checkShape);

/** Options of `uniform` as given (everything optional). */
export type UniformOptions = z.input<typeof UniformOptionsSchema>;
/** Options of `ml-lr` as given (everything optional). */
export type MlLrOptions = z.input<typeof MlLrOptionsSchema>;
/** Options of `swat` as given (everything optional). */
export type SwatOptions = z.input<typeof SwatOptionsSchema>;
/** Options of `freeze` as given (everything optional). */
export type FreezeOptions = z.input<typeof FreezeOptionsSchema>;
