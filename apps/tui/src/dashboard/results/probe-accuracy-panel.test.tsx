import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { bestProbeLayer, ProbeAccuracyPanel } from './probe-accuracy-panel.js';
import { PROBE_EVENTS, resultsOf } from './test-fixtures/synthetic-events.js';

describe('ProbeAccuracyPanel', () => {
  it('draws a bar per layer and marks the best layer', () => {
    const { lastFrame, unmount } = render(
      <ProbeAccuracyPanel layers={resultsOf(PROBE_EVENTS).probe} width={80} height={10} />,
    );
    const lines = stripVTControlCharacters(lastFrame()!).split('\n');
    expect(lines[0]).toContain('validation accuracy per layer');
    expect(lines.slice(1).map((l) => l.split(' ')[0])).toEqual(['L0', 'L1', 'L2', 'L3']);
    const best = lines.find((l) => l.includes('◀ best'))!;
    expect(best).toMatch(/^L2 +█+░* 0\.953 ◀ best: the probe layer$/);
    // 0.953 of a 45-column bar (80 columns less the label, value and mark).
    expect(best.match(/█+/)![0]).toHaveLength(43);
    expect(lines.filter((l) => l.includes('◀'))).toHaveLength(1);
    unmount();
  });

  it('picks the deepest layer on a tie, as the probe training does', () => {
    expect(
      bestProbeLayer([
        { layer: 0, accuracy: 0.9 },
        { layer: 1, accuracy: 0.9 },
      ]),
    ).toBe(1);
    expect(bestProbeLayer([])).toBeUndefined();
  });

  it('keeps the deepest layers when short of rows, and waits politely when empty', () => {
    const short = render(<ProbeAccuracyPanel layers={resultsOf(PROBE_EVENTS).probe} width={80} height={3} />);
    expect(
      stripVTControlCharacters(short.lastFrame()!)
        .split('\n')
        .slice(1)
        .map((l) => l.split(' ')[0]),
    ).toEqual(['L2', 'L3']);
    short.unmount();
    const empty = render(<ProbeAccuracyPanel layers={[]} width={80} height={3} />);
    expect(empty.lastFrame()).toContain('no layer probed yet');
    empty.unmount();
  });
});
