import { describe, expect, it } from 'vitest';
import { dashboardLayout } from './dashboard-layout.js';

/** Rows the dashboard draws for a layout: header, stage box, panel box, log box, footer. */
const frameRows = (o: { rows: number; stageCount: number; headerLines: number; showPanel: boolean }) => {
  const { panelRows, logRows } = dashboardLayout(o);
  return o.headerLines + 1 + 3 + o.stageCount + (o.showPanel ? panelRows + 3 : 0) + logRows + 3 + 1;
};

describe('dashboardLayout', () => {
  it('fills the terminal but one row, giving the panel most of the room and the log up to 6 lines', () => {
    for (const rows of [30, 40, 60]) {
      const options = { rows, stageCount: 7, headerLines: 3, showPanel: true };
      expect(frameRows(options)).toBe(rows - 1);
      expect(dashboardLayout(options).logRows).toBeLessThanOrEqual(6);
    }
    expect(dashboardLayout({ rows: 60, stageCount: 7, headerLines: 3, showPanel: true })).toEqual({
      panelRows: 32,
      logRows: 6,
    });
  });

  it('gives the log everything without a panel', () => {
    const options = { rows: 24, stageCount: 2, headerLines: 3, showPanel: false };
    expect(dashboardLayout(options).panelRows).toBe(0);
    expect(frameRows(options)).toBe(23);
  });

  it('keeps minimum sizes in a tiny terminal', () => {
    expect(dashboardLayout({ rows: 10, stageCount: 7, headerLines: 3, showPanel: true })).toEqual({
      panelRows: 3,
      logRows: 2,
    });
  });
});
