import type { DependencyContainer, Evaluator, EvaluationContext, MetricValue, PluginInfo } from '@mllr/core';
import { z } from 'zod';

/** Test evaluator: measures the configured metric as the configured value on every item of its set. */
class FixedEvaluator implements Evaluator {
  constructor(
    readonly metric: string,
    private readonly value: number,
  ) {}

  async evaluate(context: EvaluationContext): Promise<MetricValue> {
    const denominator = context.samples.length;
    return { value: this.value, numerator: this.value * denominator, denominator };
  }
}

const Options = z.strictObject({ metric: z.string(), value: z.number().min(0).max(1) });

export function optionsSchema() {
  return Options;
}

export function register(container: DependencyContainer, options: Record<string, unknown>, info: PluginInfo): void {
  const { metric, value } = Options.parse(options);
  container.register(info.token, { useValue: new FixedEvaluator(metric, value) });
}
