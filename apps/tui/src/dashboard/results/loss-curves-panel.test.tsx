import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { LossCurvesPanel } from './loss-curves-panel.js';
import { SPARK_LEVELS } from './sparkline.js';
import { lossEvents, metric, resultsOf } from './test-fixtures/synthetic-events.js';

const draw = (events: Parameters<typeof resultsOf>[0], height = 8) => {
  const { lastFrame, unmount } = render(
    <LossCurvesPanel losses={resultsOf(events).losses} width={80} height={height} />,
  );
  const lines = stripVTControlCharacters(lastFrame()!).split('\n');
  unmount();
  return lines;
};

const spark = new RegExp(`[${SPARK_LEVELS}]+`);

describe('LossCurvesPanel', () => {
  it('draws a sparkline per run on a shared scale, with first and latest loss', () => {
    const lines = draw(lossEvents(['uniform', 'ml-lr', 'uniform#2'], 30));
    expect(lines[0]).toMatch(/^loss by step \(shared scale 0\.\d{3} … 2\.020, steps 0–29\)$/);
    expect(lines.slice(1).map((l) => l.split(' ')[0])).toEqual(['uniform', 'ml-lr', 'uniform#2']);
    for (const line of lines.slice(1)) {
      const curve = line.match(spark)![0];
      expect(curve.length).toBeGreaterThan(20);
      // A decaying loss starts high and ends low.
      expect(curve[0]).toBe('█');
      expect(SPARK_LEVELS.indexOf(curve.at(-1)!)).toBeLessThan(3);
    }
    expect(lines[1]).toMatch(/ 2\.000 → 0\.\d{3} step 29$/);
  });

  it('shows a run still training as a partial line on the shared step axis', () => {
    const lines = draw([...lossEvents(['uniform'], 40), ...lossEvents(['ml-lr'], 10)]);
    const full = lines[1]!.match(spark)![0].length;
    const partial = lines[2]!.match(spark)![0].length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThanOrEqual(Math.ceil(full / 4) + 1);
    expect(lines[2]).toMatch(/step 9$/);
  });

  it('marks a diverged loss and waits politely before the first step', () => {
    const lines = draw([
      metric('ift', 'loss', 1, { step: 0, series: 'uniform' }),
      metric('ift', 'loss', Number.NaN, { step: 1, series: 'uniform' }),
    ]);
    expect(lines[1]).toContain('!');
    expect(draw([])).toEqual(['(no training step yet)']);
  });
});
