import { MllrError, type Evaluator, type PluginLoader, type RunConfig } from '@mllr/core';
import { HEADLINE_METRICS, isHeadlineMetric, type HeadlineMetric } from '@mllr/eval';

/**
 * The evaluator of each headline metric, in the metrics' documented order: the plugin `config.evaluators` names for
 * it, composed through the Evaluator contract (so a `module:` evaluator or an option such as `method` takes effect),
 * else the metric's standard evaluator. Every model gets all four metrics because the report and summary.json
 * compare them all. A configured evaluator must measure a headline metric (a run has evaluation sets only for
 * those), each metric at most once.
 */
export async function loadEvaluators(
  loader: PluginLoader,
  config: Pick<RunConfig, 'evaluators'>,
): Promise<Evaluator[]> {
  const configured = new Map<HeadlineMetric, { evaluator: Evaluator; index: number }>();
  for (const [index, ref] of config.evaluators.entries()) {
    const where = `evaluators[${index}]`;
    const evaluator = await loader.load('evaluator', ref, where);
    const metric = evaluator.metric;
    if (!isHeadlineMetric(metric)) {
      throw new MllrError(
        'CONFIG_INVALID',
        `${where}: the evaluator measures "${metric}", but a run has evaluation sets only for ${HEADLINE_METRICS.join(', ')}`,
      );
    }
    const before = configured.get(metric);
    if (before)
      throw new MllrError(
        'CONFIG_INVALID',
        `${where}: evaluators[${before.index}] already measures ${metric}; list each metric once`,
      );
    configured.set(metric, { evaluator, index });
  }
  const evaluators: Evaluator[] = [];
  for (const metric of HEADLINE_METRICS) {
    evaluators.push(
      configured.get(metric)?.evaluator ??
        (await loader.load('evaluator', { name: metric, options: {} }, `standard evaluator of ${metric}`)),
    );
  }
  return evaluators;
}
