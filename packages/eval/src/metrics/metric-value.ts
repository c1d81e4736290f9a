import { MllrError, type MetricValue } from '@mllr/core';

/**
 * `numerator / denominator` as a {@link MetricValue}. A zero denominator is an ARGUMENT_INVALID error naming the
 * metric, so an empty evaluation set is reported instead of producing NaN.
 */
export function ratio(numerator: number, denominator: number, metric: string): MetricValue {
  if (denominator <= 0) throw new MllrError('ARGUMENT_INVALID', `${metric}: nothing to measure (no items)`);
  return { value: numerator / denominator, numerator, denominator };
}

/** Checks that two parallel lists have the same length, naming them in the error. */
export function assertSameLength(a: readonly unknown[], aName: string, b: readonly unknown[], bName: string): void {
  if (a.length !== b.length) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `${a.length} ${aName} but ${b.length} ${bName}; they must match one to one`,
    );
  }
}
