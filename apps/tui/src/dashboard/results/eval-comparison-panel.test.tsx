import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { EvalComparisonPanel } from './eval-comparison-panel.js';
import { EVAL_EVENTS, metric, resultsOf } from './test-fixtures/synthetic-events.js';

// The deltas' colours are the point of this panel; force them on although the test's stdout is no terminal.
vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

/** The foreground colour code in effect where `text` starts in `line` (32 green, 31 red, 39 default). */
const colourAt = (line: string, text: string): string | undefined => {
  const before = line.slice(0, line.indexOf(text));
  return [...before.matchAll(/\x1b\[(3\d|9\d)m/g)].at(-1)?.[1];
};

const draw = (events = EVAL_EVENTS) => {
  const { lastFrame, unmount } = render(
    <EvalComparisonPanel evaluation={resultsOf(events).evaluation} width={96} height={12} />,
  );
  const frame = lastFrame()!;
  unmount();
  return frame;
};

describe('EvalComparisonPanel', () => {
  it('tabulates base and each strategy, mean ± sd over seeds', () => {
    const lines = stripVTControlCharacters(draw()).split('\n');
    expect(
      lines[0]!
        .split(/ {2,}| (?=\w)/)
        .map((s) => s.trim())
        .filter(Boolean),
    ).toEqual(['model', 'harmful_asr ↓', 'over_refusal ↓', 'usability ↑', 'expertise ↑']);
    const row = (name: string) =>
      lines
        .find((l) => l.startsWith(name))!
        .slice(18)
        .trim()
        .split(/ +/);
    expect(row('base ')).toEqual(['0.050', '0.100', '0.800', '0.300']);
    expect(row('uniform (2 seeds)')).toEqual(['0.400±0.028', '0.070±0.014', '0.830±0.014', '0.620±0.014']);
    expect(row('ml-lr (2 seeds)')).toEqual(['0.120±0.028', '0.090±0.000', '0.810±0.000', '0.590±0.014']);
    expect(row('swat')).toEqual(['0.200', '0.070', '0.830', '0.620']);
    expect(lines.filter((l) => l.startsWith('  Δ vs uniform'))).toHaveLength(2);
  });

  it('colours each delta against uniform green when better and red when worse', () => {
    const lines = draw().split('\n');
    const mlLrDelta = lines[lines.findIndex((l) => stripVTControlCharacters(l).startsWith('ml-lr')) + 1]!;
    expect(stripVTControlCharacters(mlLrDelta).trim().split(/ +/)).toEqual([
      'Δ',
      'vs',
      'uniform',
      '-0.280',
      '+0.020',
      '-0.020',
      '-0.030',
    ]);
    // Lower harmfulness is better; more over-refusal, less usability and expertise are worse.
    expect(['-0.280', '+0.020', '-0.020', '-0.030'].map((d) => colourAt(mlLrDelta, d))).toEqual([
      '32',
      '31',
      '31',
      '31',
    ]);
    const swatDelta = lines[lines.findIndex((l) => stripVTControlCharacters(l).startsWith('swat')) + 1]!;
    expect(colourAt(swatDelta, '-0.200')).toBe('32');
    // Rows themselves are not judged.
    expect(
      colourAt(
        lines.find((l) => stripVTControlCharacters(l).startsWith('swat'))!,
        '0.200',
      ),
    ).toBeUndefined();
  });

  it('says so when there is no uniform run to compare against', () => {
    const frame = stripVTControlCharacters(
      draw([
        metric('eval', 'harmful_asr', 0.1, { series: 'base' }),
        metric('eval', 'harmful_asr', 0.2, { series: 'ml-lr' }),
      ]),
    );
    expect(frame).not.toContain('Δ');
    expect(frame).toContain('no uniform run yet to compare against');
    expect(stripVTControlCharacters(draw([]))).toContain('no model evaluated yet');
  });
});
