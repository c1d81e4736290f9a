import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { ValidationPanel } from './validation-panel.js';
import { VerdictPanel } from './verdict-panel.js';
import { EVAL_EVENTS, metric, resultsOf } from './test-fixtures/synthetic-events.js';

/** The report stage's events for two comparisons, and the validate stage's correlation. */
const STUDY_EVENTS = [
  metric('validate', 'asr_rise', 0.12, { series: 'L3.down' }),
  metric('validate', 'asr_rise', -0.01, { series: 'L0.q' }),
  metric('validate', 'spearman', 0.41),
  metric('validate', 'spearman_low', 0.05),
  metric('validate', 'spearman_high', 0.7),
  ...[
    ['ml-lr vs random-control', -0.08, -0.13, -0.02],
    ['ml-lr vs inverse-control', -0.02, -0.06, 0.03],
  ].flatMap(([series, delta, low, high]) => [
    metric('report', 'delta_harmful_asr', delta as number, { series: series as string }),
    metric('report', 'delta_harmful_asr_low', low as number, { series: series as string }),
    metric('report', 'delta_harmful_asr_high', high as number, { series: series as string }),
  ]),
];

const draw = (node: React.ReactElement) => {
  const { lastFrame, unmount } = render(node);
  const frame = stripVTControlCharacters(lastFrame()!);
  unmount();
  return frame;
};

describe("the report stage panel (the dashboard's last)", () => {
  it("says each comparison's verdict as report.md does, and the ground truth's Spearman with its interval", () => {
    const results = resultsOf([...EVAL_EVENTS, ...STUDY_EVENTS]);
    expect(results.verdicts['ml-lr vs random-control']).toEqual({ delta: -0.08, low: -0.13, high: -0.02 });
    const frame = draw(<VerdictPanel results={results} width={200} height={10} />);
    expect(frame).toContain(
      'ml-lr protects better than random-control at equal expertise: yes (harmful_asr −8.0 points, 95% CI [−13.0, −2.0])',
    );
    expect(frame).toContain('ml-lr protects better than inverse-control at equal expertise: not distinguishable');
    expect(frame).toContain('Spearman (robustness vs − harm sensitivity) 0.41 [0.05, 0.70] over 2 module runs');
  });

  it('shows the evaluation table in a run without a study', () => {
    const frame = draw(<VerdictPanel results={resultsOf(EVAL_EVENTS)} width={96} height={12} />);
    expect(frame).toContain('harmful_asr ↓');
    expect(frame).not.toContain('protects better');
  });
});

describe('the validate stage panel', () => {
  it('lists the modules most harm-sensitive first with their rise in points', () => {
    const results = resultsOf(STUDY_EVENTS);
    const lines = draw(
      <ValidationPanel rises={results.validation} spearman={results.spearman} width={80} height={6} />,
    ).split('\n');
    expect(lines[0]).toMatch(/^L3\.down +\+12\.0 points/);
    expect(lines[1]).toMatch(/^L0\.q +-1\.0 points/);
    expect(lines.at(-1)).toContain('2 module runs · Spearman 0.41 [0.05, 0.70]');
  });
});
