import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { RobustnessHeatmapPanel } from './robustness-heatmap-panel.js';
import { resultsOf, robustnessEvents } from './test-fixtures/synthetic-events.js';

// Colours are what this panel is about; force them on although the test's stdout is no terminal.
vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

const draw = (scores: Record<string, number>, width = 80, height = 20) => {
  const { lastFrame, unmount } = render(<RobustnessHeatmapPanel scores={scores} width={width} height={height} />);
  const frame = lastFrame()!;
  unmount();
  return frame;
};

describe('RobustnessHeatmapPanel', () => {
  it('shows every score with three decimals, module types down and layers across', () => {
    const lines = stripVTControlCharacters(draw(resultsOf(robustnessEvents(4)).robustness)).split('\n');
    expect(lines[0]!.trim().split(/ +/)).toEqual(['L0', 'L1', 'L2', 'L3']);
    expect(lines.slice(1, 8).map((l) => l.split(/ +/)[0])).toEqual(['q', 'k', 'v', 'o', 'gate', 'up', 'down']);
    // L1.down: (7 + 6) % 10 = 3 → 0.1 + 0.27 + 0.0011.
    expect(lines[7]!.split(/ +/)[2]).toBe('0.371');
    expect(lines[1]).toMatch(/^q +0\.100 +0\.731 +0\.462 +0\.193$/);
    expect(lines.at(-1)).toMatch(/less robust .* more robust · 0\.100 … 0\.912 · 28 modules/);
  });

  it('colours the least robust cell red and the most robust green', () => {
    const frame = draw({ 'L0.q': 0.1, 'L0.k': 0.5, 'L0.v': 0.9 });
    // The background code opening the cell; a foreground code may follow it.
    const cell = (value: string) =>
      new RegExp(`\\x1b\\[(4[0-7]|10[0-7])m(?:\\x1b\\[\\d+m)*\\s*${value.replace('.', '\\.')}`).exec(frame)?.[1];
    expect(cell('0.100')).toBe('41'); // red background
    expect(cell('0.900')).toBe('42'); // green background
    expect(cell('0.500')).toBe('43'); // yellow background
  });

  it('shows cells as they arrive, the rest as dots', () => {
    const lines = stripVTControlCharacters(draw({ 'L0.q': 0.5, 'L1.k': 0.75 })).split('\n');
    expect(lines[1]).toMatch(/^q +0\.500 +· *$/);
    expect(lines[2]).toMatch(/^k +· +0\.750$/);
    expect(lines[3]).toMatch(/^v +· +· *$/);
  });

  it('continues layers that do not fit the width in a further block, and cuts what does not fit the height', () => {
    const scores = resultsOf(robustnessEvents(12)).robustness;
    const wide = stripVTControlCharacters(draw(scores, 48, 40)).split('\n');
    const headers = wide.filter((l) => /^ +L\d/.test(l)).map((l) => l.trim().split(/ +/));
    expect(headers).toEqual([
      ['L0', 'L1', 'L2', 'L3', 'L4', 'L5', 'L6'],
      ['L7', 'L8', 'L9', 'L10', 'L11'],
    ]);
    expect(wide.every((l) => l.length <= 48)).toBe(true);
    const short = stripVTControlCharacters(draw(scores, 48, 6)).split('\n');
    expect(short).toHaveLength(6);
    expect(short[4]).toMatch(/… 12 more rows/);
  });

  it('says so while no module is scored', () => {
    expect(draw({})).toContain('no module scored yet');
  });
});
