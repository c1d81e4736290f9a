import { MllrError, type DependencyContainer, type LrSchedule, type PluginInfo, type PluginSlot } from '@mllr/core';
import type { z, ZodType } from 'zod';
import { FreezeOptionsSchema, MlLrOptionsSchema, SwatOptionsSchema, UniformOptionsSchema } from './options.js';
import { parseOptions } from './parse-options.js';
import { FreezeSchedule } from './schedules/freeze-schedule.js';
import { MlLrSchedule } from './schedules/ml-lr-schedule.js';
import { SwatSchedule } from './schedules/swat-schedule.js';
import { UniformSchedule } from './schedules/uniform-schedule.js';

/** One plugin of this package: its options schema and how to build it from validated options. */
interface PluginEntry {
  schema: ZodType;
  create(options: unknown): LrSchedule;
}

function entry<S extends ZodType>(schema: S, create: (options: z.output<S>) => LrSchedule): PluginEntry {
  return { schema, create: (options) => create(options as z.output<S>) };
}

/** The schedules this package provides; all fill the `schedule` slot. */
const SCHEDULES: Record<string, PluginEntry> = {
  uniform: entry(UniformOptionsSchema, (options) => new UniformSchedule(options)),
  'ml-lr': entry(MlLrOptionsSchema, (options) => new MlLrSchedule(options)),
  swat: entry(SwatOptionsSchema, (options) => new SwatSchedule(options)),
  freeze: entry(FreezeOptionsSchema, (options) => new FreezeSchedule(options)),
};

/** Names of the schedules this package provides. */
export const SCHEDULE_NAMES = Object.keys(SCHEDULES);

function scheduleEntry(name: string, slot: PluginSlot): PluginEntry | undefined {
  return slot === 'schedule' && Object.hasOwn(SCHEDULES, name) ? SCHEDULES[name] : undefined;
}

/** The zod schema (strict: unknown keys are errors) of a schedule's options, or undefined for a name this package lacks. */
export function optionsSchema(name: string, slot: PluginSlot = 'schedule'): ZodType | undefined {
  return scheduleEntry(name, slot)?.schema;
}

/**
 * Plugin entry: binds `info.token` to a ready-made schedule named by `info.name` (uniform, ml-lr, swat, freeze).
 * Options are validated again here, so defaults apply also when the caller skipped `optionsSchema`.
 */
export function register(container: DependencyContainer, options: Record<string, unknown>, info: PluginInfo): void {
  const plugin = scheduleEntry(info.name, info.slot);
  if (!plugin) {
    throw new MllrError(
      'PLUGIN_UNKNOWN',
      `@mllr/schedules has no ${info.slot} plugin "${info.name}"` +
        (info.slot === 'schedule' ? `; it provides ${SCHEDULE_NAMES.join(', ')}` : ''),
    );
  }
  const parsed = parseOptions(plugin.schema, options, `the ${info.slot} plugin "${info.name}"`);
  container.register(info.token, { useValue: plugin.create(parsed) });
}
