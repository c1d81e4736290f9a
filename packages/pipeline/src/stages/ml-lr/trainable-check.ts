import { MllrError, type ModuleId, type RatePlan } from '@mllr/core';

/**
 * Refuses a fine-tuning run whose schedule trains nothing (every group at rate 0, or no group at all), before any run
 * starts: an engine would otherwise fail deep inside its optimizer with a message that names neither the strategy
 * nor the cause.
 */
export function checkSomethingTrains(
  runId: string,
  schedule: string,
  robust: readonly ModuleId[],
  plan: RatePlan,
): void {
  if (plan.groups.some((g) => g.learningRate > 0 && g.tensors.length > 0)) return;
  const groups =
    plan.groups.map((g) => `${g.name} (${g.tensors.length} tensors) at ${g.learningRate}`).join(', ') || 'no groups';
  throw new MllrError(
    'ANALYSIS_DEGENERATE',
    `strategy ${runId} (${schedule} schedule) would train nothing: ${groups}; its robust set has ${robust.length} module${robust.length === 1 ? '' : 's'}. ` +
      'Give it a non-zero rate for some group, or a non-empty robust set.',
  );
}

/**
 * Refuses an empty robust set from a search: every schedule compared on it would degenerate (ml-lr into uniform at
 * α·lr, freeze and swat's warm-up into training nothing), so the comparison would look meaningful and mean nothing.
 */
export function checkSearchFoundModules(
  search: string,
  set: string,
  modules: readonly ModuleId[],
  cleanAccuracy: number | undefined,
): void {
  if (modules.length > 0) return;
  const probe = cleanAccuracy === undefined ? '' : ` (the probe's clean accuracy is ${cleanAccuracy.toFixed(3)})`;
  throw new MllrError(
    'ANALYSIS_DEGENERATE',
    `the ${search} search returned no module for ${set}: no module kept the security probe within the search's limits${probe}, ` +
      'so there is nothing for the fine-tuning strategies to protect. Loosen the search (search.options, e.g. its threshold) ' +
      'or check the probe and the robustness scores in robustness.json.',
  );
}
