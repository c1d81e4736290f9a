import type { ZodType } from 'zod';
import type { DependencyContainer } from './di.js';
import { DatasetReader } from './contracts/dataset-reader.js';
import { Evaluator } from './contracts/evaluator.js';
import { HarmJudge } from './contracts/harm-judge.js';
import { EngineProvider } from './contracts/engine-provider.js';
import { LrSchedule } from './contracts/lr-schedule.js';
import { RobustnessProxy } from './contracts/robustness-proxy.js';
import { SearchStrategy } from './contracts/search-strategy.js';
import { StageSet } from './contracts/stage.js';
import { Tokenizer } from './contracts/tokenizer.js';

/**
 * The plugin slots of a run and the service type each one provides: the one place that says what `load('proxy', …)`
 * returns, so callers get the slot's type without asserting it.
 */
export interface PluginServices {
  stages: StageSet;
  inference: EngineProvider;
  training: EngineProvider;
  tokenizer: Tokenizer;
  reader: DatasetReader;
  proxy: RobustnessProxy;
  search: SearchStrategy;
  schedule: LrSchedule;
  judge: HarmJudge;
  evaluator: Evaluator;
}

/** A plugin slot name. */
export type PluginSlot = keyof PluginServices;

/** The plugin slots of a run and the DI token each one fills; a slot of {@link PluginServices} without a token fails to compile. */
export const PLUGIN_SLOTS: { readonly [S in PluginSlot]: symbol } = {
  stages: StageSet,
  inference: EngineProvider,
  training: EngineProvider,
  tokenizer: Tokenizer,
  reader: DatasetReader,
  proxy: RobustnessProxy,
  search: SearchStrategy,
  schedule: LrSchedule,
  judge: HarmJudge,
  evaluator: Evaluator,
};

/** Facts about the plugin being registered. */
export interface PluginInfo {
  slot: PluginSlot;
  /** The name chosen in config (`noise`), or the `module:` specifier for third-party plugins. */
  name: string;
  /** The token the plugin must register. */
  token: symbol;
  /** Folder of the config file, for resolving relative paths in options. */
  configDir: string;
}

/**
 * What a plugin package exports. `register` binds the slot's token (`info.token`) in the container it is given;
 * `optionsSchema` lets the pipeline validate options up front, reporting problems with their config paths.
 */
export interface MllrPluginModule {
  register(container: DependencyContainer, options: Record<string, unknown>, info: PluginInfo): void | Promise<void>;
  optionsSchema?(name: string, slot: PluginSlot): ZodType | undefined;
}

/** DI token under which a plugin's (validated) options are registered in its container. */
export const PluginOptions = Symbol.for('mllr.PluginOptions');
