import { MllrError, type Evaluator, type PluginLoader, type RunConfig } from '@mllr/core';
import { HEADLINE_METRICS, isHeadlineMetric } from '@mllr/eval';

/**
 * The evaluator plugins `config.evaluators` names, in its order, each composed through the Evaluator contract (so a
 * `module:` evaluator or an option such as `method` takes effect). Each must measure one of the headline metrics,
 * whose evaluation sets the run has, and each metric at most once; eval.json and summary.json then hold exactly the
 * configured metrics under their usual names.
 */
export async function loadEvaluators(loader: PluginLoader, config: Pick<RunConfig, 'evaluators'>): Promise<Evaluator[]> {
  const evaluators: Evaluator[] = [];
  const seen = new Map<string, number>();
  for (const [i, ref] of config.evaluators.entries()) {
    const where = `evaluators[${i}]`;
    const evaluator = await loader.load('evaluator', ref, where);
    if (!isHeadlineMetric(evaluator.metric)) {
      throw new MllrError(
        'CONFIG_INVALID',
        `${where}: the evaluator measures "${evaluator.metric}", but a run has evaluation sets only for ${HEADLINE_METRICS.join(', ')}`,
      );
    }
    const before = seen.get(evaluator.metric);
    if (before !== undefined) throw new MllrError('CONFIG_INVALID', `${where}: evaluators[${before}] already measures ${evaluator.metric}; list each metric once`);
    seen.set(evaluator.metric, i);
    evaluators.push(evaluator);
  }
  return evaluators;
}
