import {
  MllrError,
  pluginLoader,
  resourceScope,
  type ModuleId,
  type RobustnessContext,
  type RobustnessProxy,
  type Stage,
  type StageContext,
} from '@mllr/core';
import type { ProxyArtifact, RobustnessArtifact, SearchArtifact } from './artifacts.js';
import { checkSearchFoundModules } from './trainable-check.js';
import { openProbeEngines, probeContext } from './probe-context.js';
import { inferenceHashInputs, type RunResources } from './run-resources.js';
import { seedRuns } from './seed-runs.js';
import { searchSeedOf, strategyVariants } from './strategy-variants.js';

/**
 * `search`: picks Mods_Robust with the configured strategy (greedy by default: each candidate is checked by
 * perturbing the whole set jointly with the proxy's perturbation), then the robust sets of strategies that bring
 * their own search (the random control), which can size themselves on the main result.
 */
export function searchStage(resources: RunResources): Stage {
  return {
    name: 'search',
    title: 'search Mods_Robust',
    hashInputs: (config) => ({
      search: config.search,
      proxy: config.proxy,
      seed: config.seed,
      seeds: config.seeds,
      strategies: config.strategies.map((s) => s.search ?? null),
      // Only where count or sweep expand a strategy, so earlier run folders keep their hash.
      ...(config.strategies.some((s) => s.count !== undefined || s.sweep !== undefined)
        ? {
            variants: strategyVariants(config)
              .filter((v) => v.search)
              .map((v) => v.id),
          }
        : {}),
      ...inferenceHashInputs(config, 'search'),
    }),
    async run(context: StageContext) {
      const { config } = context;
      const loader = pluginLoader(context.container);
      const { scores } = await context.store.readJson<RobustnessArtifact>('robustness.json');
      const engines = await openProbeEngines(resources, 'search', resourceScope(context.container));
      const robustness = await probeContext(resources, context, engines);
      const proxy = await loader.load('proxy', config.proxy, 'proxy');
      const strategy = await loader.load('search', config.search, 'search');
      const base = {
        scores,
        numLayers: engines.inference.architecture.numLayers,
        seed: config.seed,
        evaluateSet: jointCheck(proxy, robustness, strategy.name),
        throwIfStopped: () => context.throwIfStopped(),
      };
      // The dashboard draws the growing set against this line, for a strategy that has one.
      if (strategy.threshold !== undefined) context.metric('threshold', strategy.threshold);
      const result = await strategy.search({
        ...base,
        onStep: (s) => {
          context.log(
            `${s.accepted ? 'keep' : 'drop'} ${s.candidate} (probe ${s.value.toFixed(4)}) → ${s.size} module${s.size === 1 ? '' : 's'}`,
          );
          context.metric('set_value', s.value, { step: s.size, series: s.accepted ? 'kept' : 'dropped' });
        },
      });
      const cleanAccuracy = (await context.store.readJson<ProxyArtifact>('proxy.json')).clean_accuracy;
      checkSearchFoundModules(strategy.name, 'Mods_Robust', result.modules, cleanAccuracy);
      const sets: Record<string, ModuleId[]> = { [strategy.name]: result.modules };
      // A control with its own search draws its set once per seed, so --seeds also varies which set it gets; with
      // count: k, k sets per seed, each under its own search seed.
      for (const run of seedRuns(config)) {
        const own = run.variant.search;
        if (!own) continue;
        const ownStrategy = await loader.load('search', own, `strategies[${run.variant.index}].search`);
        const seed = searchSeedOf(run.seed, run.variant.set);
        sets[run.runId] = (
          await ownStrategy.search({ ...base, seed, previous: { [strategy.name]: result.modules } })
        ).modules;
        checkSearchFoundModules(ownStrategy.name, run.runId, sets[run.runId]!, cleanAccuracy);
        context.log(`${run.runId}: ${sets[run.runId]!.join(' ')}`);
      }
      context.log(`Mods_Robust (${result.modules.length}): ${result.modules.join(' ')}`);
      const artifact: SearchArtifact = {
        strategy: strategy.name,
        ...(strategy.threshold !== undefined ? { threshold: strategy.threshold } : {}),
        mods_robust: result.modules,
        trace: result.trace ?? [],
        sets,
      };
      await context.store.writeJson('search.json', artifact);
    },
  };
}

/**
 * The search's joint check: the configured proxy's own evaluateSet, so a set is perturbed the way its modules were
 * scored. A proxy without one fails only when a search actually asks for a joint check.
 */
function jointCheck(
  proxy: RobustnessProxy,
  context: RobustnessContext,
  searchName: string,
): (modules: readonly ModuleId[]) => Promise<number> {
  return async (modules) => {
    if (!proxy.evaluateSet) {
      throw new MllrError(
        'PLUGIN_INVALID',
        `the search "${searchName}" checks module sets jointly, but the proxy "${proxy.name}" has no evaluateSet; ` +
          'implement RobustnessProxy.evaluateSet in the proxy or choose a search that does not (topk, pattern)',
      );
    }
    return proxy.evaluateSet(context, modules);
  };
}
