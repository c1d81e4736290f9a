import {
  MllrError,
  type ConfigProblem,
  type ErrorDetail,
  type PluginRef,
  type RunConfig,
  type StageSet,
} from '@mllr/core';
import { pluginProblems } from '../plugins/plugin-composer.js';
import type { PluginCatalog } from '../plugins/plugin-catalog.js';
import { strategyVariants } from '../stages/ml-lr/strategy-variants.js';
import { pluginReferences } from './check-plugin-names.js';
import { formatPath, type LoadedConfig } from './load-config.js';
import { ConfigSource } from './source-locator.js';

/**
 * Checks a loaded config against the world before a run folder exists: every plugin module loads and accepts its
 * options, and the stage set finds what its stages need (the model folder, every data file and preset). All problems
 * are reported at once, each at `file:line:col` and its key path, as one error (exit 2); nothing is started.
 */
export async function preflightRun(
  loaded: Pick<LoadedConfig, 'file' | 'text' | 'dir'>,
  config: RunConfig,
  catalog: PluginCatalog,
  stageSet: StageSet,
): Promise<void> {
  const problems: ConfigProblem[] = [];
  for (const { slot, value, at } of pluginReferences(config)) {
    // The stage set is loaded already (it is what runs this check); no stage loads the tokenizer slot (they read the
    // model folder's tokenizer.json), and its built-in entry is not a loadable plugin module.
    if (slot === 'stages' || slot === 'tokenizer') continue;
    problems.push(...(await pluginProblems(slot, value as PluginRef, at, loaded.dir, catalog)));
  }
  problems.push(...(await sweepProblems(config, loaded.dir, catalog)), ...comparisonProblems(config));
  problems.push(...((await stageSet.preflight?.()) ?? []));
  if (problems.length > 0) throw preflightError(loaded, problems);
}

/**
 * A swept schedule option, checked at each of its values as the variant's schedule gets it (an option the schedule
 * does not have, or a value out of its range), reported at `strategies[i].sweep.<option>`. Problems of the other
 * options are the schedule's own, reported once by the plugin check.
 */
async function sweepProblems(config: RunConfig, dir: string, catalog: PluginCatalog): Promise<ConfigProblem[]> {
  const problems: ConfigProblem[] = [];
  for (const variant of strategyVariants(config)) {
    if (!variant.sweep) continue;
    const { option, value } = variant.sweep;
    const at = ['strategies', variant.index, 'schedule'];
    for (const problem of await pluginProblems('schedule', variant.schedule, at, dir, catalog)) {
      if (problem.path[4] !== option && !problem.message.includes(`"${option}"`)) continue;
      problems.push({
        ...problem,
        path: ['strategies', variant.index, 'sweep', option],
        message: `${value}: ${problem.message}`,
      });
    }
  }
  return problems;
}

/** Comparisons must name configured strategies, two different ones. */
function comparisonProblems(config: RunConfig): ConfigProblem[] {
  const ids = config.strategies.map((s) => s.id);
  const problems: ConfigProblem[] = [];
  for (const [i, comparison] of (config.comparisons ?? []).entries()) {
    for (const side of ['strategy', 'control'] as const) {
      if (!ids.includes(comparison[side])) {
        problems.push({
          path: ['comparisons', i, side],
          message: `no strategy has the id "${comparison[side]}"; strategies: ${ids.join(', ')}`,
        });
      }
    }
    if (comparison.strategy === comparison.control) {
      problems.push({
        path: ['comparisons', i, 'control'],
        message: 'compare a strategy with another one, not with itself',
      });
    }
  }
  return problems;
}

/**
 * One error for every problem: the problems' own code when they share one (DATA_INVALID for data files only),
 * else CONFIG_INVALID; each detail is one line, in file order.
 */
export function preflightError(
  loaded: Pick<LoadedConfig, 'file' | 'text'>,
  problems: readonly ConfigProblem[],
): MllrError {
  const source = ConfigSource.parse(loaded.file, loaded.text);
  const located = problems.map((p) => ({ at: source.locate(p.path), problem: p }));
  // In file order, whichever check found them (a stable sort keeps problems at one place in the order found).
  located.sort((a, b) => position(a.at) - position(b.at));
  const details: ErrorDetail[] = located.map(({ at, problem }) => ({
    where: `${at} ${formatPath(problem.path)}`,
    message: problem.message,
  }));
  const codes = new Set(problems.map((p) => p.code ?? 'CONFIG_INVALID'));
  const code = codes.size === 1 ? [...codes][0]! : 'CONFIG_INVALID';
  const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
  return new MllrError(
    code,
    `config ${loaded.file} has ${count} found before the run started (no run folder was made):`,
    { details },
  );
}

/** `file:line:col` → a number that sorts by line then column; a place without a line sorts first. */
function position(at: string): number {
  const m = /:(\d+):(\d+)$/.exec(at);
  return m ? Number(m[1]) * 1e6 + Number(m[2]) : 0;
}
