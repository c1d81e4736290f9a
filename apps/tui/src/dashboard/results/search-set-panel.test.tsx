import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { SearchSetPanel } from './search-set-panel.js';
import { metric, resultsOf, SEARCH_EVENTS } from './test-fixtures/synthetic-events.js';

const draw = (events = SEARCH_EVENTS, height = 10) => {
  const { lastFrame, unmount } = render(
    <SearchSetPanel search={resultsOf(events).search} width={80} height={height} />,
  );
  const lines = stripVTControlCharacters(lastFrame()!).split('\n');
  unmount();
  return lines;
};

describe('SearchSetPanel', () => {
  it('shows the threshold, the set so far, and each decision against the threshold line', () => {
    const lines = draw();
    expect(lines[0]).toBe('threshold 0.950 of clean · set 3 modules · 3 kept, 1 dropped');
    expect(lines.slice(1, 5).map((l) => l.split(/ +/).slice(0, 3).join(' '))).toEqual([
      '✔ L3.q 0.9981',
      '✔ L2.k 0.9712',
      '✖ L0.down 0.9213',
      '✔ L1.v 0.9534',
    ]);
    // Every bar has the threshold mark in the same column; the dropped candidate's bar stops short of it.
    const marks = lines.slice(1, 5).map((l) => l.indexOf('┃'));
    expect(new Set(marks).size).toBe(1);
    expect(lines[3]!.slice(0, marks[0]).trimEnd()).toMatch(/█░+$/);
    expect(lines[1]!.slice(marks[0]! + 1)).toMatch(/^█+/);
    expect(lines[4]).toMatch(/→ 3$/);
    expect(lines[5]).toBe('set: L3.q L2.k L1.v');
  });

  it('shows only the newest decisions that fit', () => {
    const lines = draw(SEARCH_EVENTS, 4);
    expect(lines.filter((l) => /^[✔✖]/.test(l))).toHaveLength(2);
    expect(lines.at(-1)).toBe('set: L3.q L2.k L1.v');
  });

  it('says when the threshold was not reported (a search other than greedy)', () => {
    const lines = draw([metric('search', 'set_value', 0.97, { step: 1, series: 'kept' })]);
    expect(lines[0]).toMatch(/^threshold \(not reported\)/);
    expect(lines[1]).not.toContain('┃');
    expect(draw([metric('search', 'threshold', 0.9)])).toEqual([
      'threshold 0.900 of clean · set 0 modules · 0 kept, 0 dropped',
      '(no candidate checked yet)',
    ]);
  });
});
