import { MllrError, type LrScheduleContext } from '@mllr/core';

/** Checks the numbers of a schedule context; a bad one is an ARGUMENT_INVALID error naming it. */
export function validateContext(context: LrScheduleContext): void {
  if (!Number.isInteger(context.totalSteps) || context.totalSteps <= 0) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `a learning-rate schedule needs totalSteps ≥ 1 (a whole number), got ${context.totalSteps}`,
    );
  }
  if (!Number.isFinite(context.learningRate) || context.learningRate < 0) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `the learning rate must be a finite number ≥ 0, got ${context.learningRate}`,
    );
  }
  if (!Number.isFinite(context.weightDecay) || context.weightDecay < 0) {
    throw new MllrError('ARGUMENT_INVALID', `the weight decay must be a finite number ≥ 0, got ${context.weightDecay}`);
  }
}

/** Checks that `step` is a whole step of the run: 0 ≤ step < totalSteps. */
export function validateStep(step: number, context: LrScheduleContext): void {
  if (!Number.isInteger(step) || step < 0 || step >= context.totalSteps) {
    throw new MllrError('ARGUMENT_INVALID', `step ${step} is outside the run: steps are 0-${context.totalSteps - 1}`);
  }
}
