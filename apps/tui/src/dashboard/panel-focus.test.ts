import { describe, expect, it } from 'vitest';
import { focusCycle, hasResultPanel, moveFocus, shownResultStage } from './panel-focus.js';
import type { StageView } from './run-view-state.js';

const stage = (name: string, status: StageView['status']): StageView => ({ name, status, done: 0, total: 0 });
const ML_LR = (statuses: Record<string, StageView['status']>) =>
  ['base', 'proxy', 'robustness', 'search', 'ift', 'eval', 'report'].map((name) =>
    stage(name, statuses[name] ?? 'pending'),
  );

describe('focus', () => {
  it('cycles the stage list, the log, then each result panel of the run', () => {
    const cycle = focusCycle(ML_LR({}));
    expect(cycle).toEqual([
      'stages',
      'log',
      'panel:proxy',
      'panel:robustness',
      'panel:search',
      'panel:ift',
      'panel:eval',
      'panel:report',
    ]);
    expect(moveFocus(cycle, 'stages', 1)).toBe('log');
    expect(moveFocus(cycle, 'panel:report', 1)).toBe('stages');
    expect(moveFocus(cycle, 'stages', -1)).toBe('panel:report');
    expect(moveFocus(cycle, 'panel:gone', 1)).toBe('log');
  });

  it('has no result panels for a pipeline without ML-LR stages', () => {
    expect(focusCycle([stage('alpha', 'running'), stage('beta', 'pending')])).toEqual(['stages', 'log']);
    expect(hasResultPanel('alpha')).toBe(false);
  });
});

describe('shownResultStage', () => {
  it('follows the running stage while no panel is focused', () => {
    expect(shownResultStage(ML_LR({ base: 'done', proxy: 'done', robustness: 'running' }), 'stages')).toBe(
      'robustness',
    );
    expect(shownResultStage(ML_LR({ base: 'done', proxy: 'done', robustness: 'running' }), 'log')).toBe('robustness');
  });

  it('keeps the latest finished stage with a panel between stages and after the run', () => {
    expect(
      shownResultStage(
        ML_LR({
          base: 'done',
          proxy: 'done',
          robustness: 'done',
          search: 'done',
          ift: 'done',
          eval: 'done',
          report: 'pending',
        }),
        'stages',
      ),
    ).toBe('eval');
    // The report's panel is the last one: the verdicts (or, without a study, the evaluation table again).
    expect(
      shownResultStage(
        ML_LR({
          base: 'done',
          proxy: 'done',
          robustness: 'done',
          search: 'done',
          ift: 'done',
          eval: 'done',
          report: 'done',
        }),
        'stages',
      ),
    ).toBe('report');
    expect(shownResultStage(ML_LR({ base: 'running' }), 'stages')).toBeUndefined();
    // Skipped stages stream nothing, so a resumed run shows the first stage that actually ran.
    expect(
      shownResultStage(
        ML_LR({ base: 'skipped', proxy: 'skipped', robustness: 'skipped', search: 'running' }),
        'stages',
      ),
    ).toBe('search');
  });

  it('shows the focused panel, whatever is running', () => {
    expect(shownResultStage(ML_LR({ ift: 'running' }), 'panel:proxy')).toBe('proxy');
  });
});
