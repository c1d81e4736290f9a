import { RESULT_STAGES } from './results/stage-results.js';
import type { StageView } from './run-view-state.js';

/** What keyboard focus is on: the stage list, the log, or the result panel of a stage (`panel:ift`). */
export type Focus = 'stages' | 'log' | `panel:${string}`;

/** Whether a stage has a result panel. */
export function hasResultPanel(stage: string): boolean {
  return (RESULT_STAGES as readonly string[]).includes(stage);
}

/** The focus cycle: the stage list, the log, then the result panel of each of the run's stages that has one. */
export function focusCycle(stages: readonly StageView[]): Focus[] {
  return ['stages', 'log', ...stages.filter((s) => hasResultPanel(s.name)).map((s): Focus => `panel:${s.name}`)];
}

/** The focus `step` places along the cycle (±1), wrapping around; an unknown focus starts from the stage list. */
export function moveFocus(cycle: readonly Focus[], current: Focus, step: 1 | -1): Focus {
  const index = Math.max(0, cycle.indexOf(current));
  return cycle[(index + step + cycle.length) % cycle.length] ?? 'stages';
}

/**
 * The stage whose result panel is on screen. A focused panel wins; otherwise the running stage's panel, so the view
 * follows the run until the user picks one; between stages and after the run, the latest stage that produced one.
 */
export function shownResultStage(stages: readonly StageView[], focus: Focus): string | undefined {
  if (focus.startsWith('panel:')) return focus.slice('panel:'.length);
  const withPanel = stages.filter((s) => hasResultPanel(s.name));
  const running = withPanel.find((s) => s.status === 'running');
  if (running) return running.name;
  return withPanel.filter((s) => s.status === 'done' || s.status === 'failed' || s.status === 'stopped').at(-1)?.name;
}
