import { readFile } from 'node:fs/promises';
import { MllrError, type ParameterGroup } from '@mllr/core';
import { shapeFactor, type LrShape, type LrShapeName } from '@mllr/schedules';
import { z } from 'zod';

/** The `format` of a plan written by `mllr export-plan --format torch`. */
export const TORCH_PLAN_FORMAT = 'mllr-lr-plan/v1';

const nonNegative = z.number().refine((n) => Number.isFinite(n) && n >= 0, 'must be a number ≥ 0');

// Fields this reader does not use (base_model, mods_robust, strategy, schedule) are allowed and ignored.
const PlanSchema = z.object({
  format: z.literal(TORCH_PLAN_FORMAT, {
    error: `must be "${TORCH_PLAN_FORMAT}" (a plan written by mllr export-plan --format torch)`,
  }),
  param_groups: z
    .array(
      z.object({
        name: z.string().min(1, 'must be a non-empty name'),
        params: z.array(z.string().min(1)),
        lr: nonNegative,
        weight_decay: nonNegative.optional(),
      }),
    )
    .min(1, 'must list at least one group'),
  rate_shape: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

/** A learning-rate plan as `mllr finetune --plan` uses it: groups of tensors at base rates, and their shape over the steps. */
export interface FinetunePlan {
  file: string;
  groups: ParameterGroup[];
  /** How every group's base rate is scaled over the steps (constant when the plan records none). */
  shape: LrShape;
}

/** How many names a message lists before "and N more". */
const LISTED = 5;

/**
 * Reads a torch plan (`{format: "mllr-lr-plan/v1", param_groups: [{name, params, lr, weight_decay}], rate_shape?}`)
 * and checks it against the model's trainable tensors: every group name once, every tensor in exactly one group, no
 * tensor the model lacks, and no tensor of the model left out (a plan decides every tensor's rate, so a tensor it
 * does not name is an error rather than a silent guess). A group without `weight_decay` gets `defaultWeightDecay`.
 * Problems are ARGUMENT_INVALID naming the file.
 */
export async function readFinetunePlan(
  file: string,
  modelTensors: readonly string[],
  defaultWeightDecay: number,
): Promise<FinetunePlan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw invalid(file, code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? String(error)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalid(file, `is not valid JSON (${(error as Error).message})`);
  }
  return planFromJson(json, file, modelTensors, defaultWeightDecay);
}

/** {@link readFinetunePlan} on parsed JSON. */
export function planFromJson(
  json: unknown,
  file: string,
  modelTensors: readonly string[],
  defaultWeightDecay: number,
): FinetunePlan {
  const parsed = PlanSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)'} ${issue.message}`,
    );
    throw invalid(file, problems.join('; '));
  }
  const known = new Set(modelTensors);
  const owner = new Map<string, string>();
  const names = new Set<string>();
  const unknown: string[] = [];
  for (const group of parsed.data.param_groups) {
    if (names.has(group.name)) throw invalid(file, `group "${group.name}" appears twice`);
    names.add(group.name);
    for (const tensor of group.params) {
      const other = owner.get(tensor);
      if (other !== undefined)
        throw invalid(file, `tensor ${tensor} is in both group "${other}" and group "${group.name}"`);
      owner.set(tensor, group.name);
      if (!known.has(tensor)) unknown.push(tensor);
    }
  }
  if (unknown.length > 0)
    throw invalid(file, `names ${count(unknown.length, 'tensor')} the model lacks: ${listed(unknown)}`);
  const missing = modelTensors.filter((t) => !owner.has(t));
  if (missing.length > 0) {
    throw invalid(
      file,
      `leaves ${count(missing.length, 'tensor')} of the model in no group: ${listed(missing)} (add them to a group; lr 0 freezes them)`,
    );
  }
  return {
    file,
    groups: parsed.data.param_groups
      .filter((g) => g.params.length > 0)
      .map((g) => ({
        name: g.name,
        tensors: [...g.params],
        learningRate: g.lr,
        weightDecay: g.weight_decay ?? defaultWeightDecay,
      })),
    shape: shapeOf(parsed.data.rate_shape ?? {}, file),
  };
}

const SHAPES: readonly LrShapeName[] = ['constant', 'linear', 'cosine'];

/**
 * The plan's `rate_shape` as a shape: `shape`, `warmup_steps` and `min_ratio`. A phase this command cannot replay
 * (swat's `robust_only_steps` > 0, or any other field) is refused rather than dropped, so the rates trained are the
 * plan's.
 */
function shapeOf(recorded: Record<string, string | number>, file: string): LrShape {
  const {
    shape = 'constant',
    warmup_steps: warmup = 0,
    min_ratio: minRatio = 0,
    robust_only_steps: robustOnly = 0,
    ...rest
  } = recorded;
  const where = (key: string) => `rate_shape.${key}`;
  if (!(SHAPES as readonly unknown[]).includes(shape))
    throw invalid(file, `${where('shape')} must be one of ${SHAPES.join(', ')}`);
  if (typeof warmup !== 'number' || !Number.isInteger(warmup) || warmup < 0)
    throw invalid(file, `${where('warmup_steps')} must be a whole number ≥ 0`);
  if (typeof minRatio !== 'number' || !(minRatio >= 0 && minRatio <= 1))
    throw invalid(file, `${where('min_ratio')} must be a number in [0, 1]`);
  if (robustOnly !== 0) {
    throw invalid(
      file,
      `${where('robust_only_steps')} is ${String(robustOnly)}: mllr finetune cannot replay a phase that trains only some groups; export the plan of a strategy without one`,
    );
  }
  const extra = Object.keys(rest);
  if (extra.length > 0) throw invalid(file, `rate_shape has fields mllr finetune does not know: ${extra.join(', ')}`);
  return { shape: shape as LrShapeName, warmupSteps: warmup, minRatio };
}

/** Each group's rate at `step` of `totalSteps`: its base rate times the plan's shape factor. */
export function planRatesAt(
  plan: Pick<FinetunePlan, 'groups' | 'shape'>,
  step: number,
  totalSteps: number,
): Record<string, number> {
  const factor = shapeFactor(step, totalSteps, plan.shape);
  return Object.fromEntries(plan.groups.map((g) => [g.name, g.learningRate * factor]));
}

function listed(names: readonly string[]): string {
  const shown = names.slice(0, LISTED).join(', ');
  return names.length > LISTED ? `${shown} and ${names.length - LISTED} more` : shown;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function invalid(file: string, what: string): MllrError {
  return new MllrError('ARGUMENT_INVALID', `--plan ${file}: ${what}`);
}
