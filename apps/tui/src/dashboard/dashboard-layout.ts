/** Rows each part of the dashboard gets. */
export interface DashboardLayout {
  /** Content rows of the result panel (0 when no panel is shown). */
  panelRows: number;
  /** Log lines shown. */
  logRows: number;
}

/** Rows a bordered box with a title line adds around its content. */
const BOX_CHROME = 3;

/**
 * Splits the terminal's rows between the result panel and the log after the fixed parts (header, stage list,
 * footer). The whole frame stays shorter than the terminal: Ink clears the screen and redraws everything, flickering
 * and filling scrollback, whenever a frame is as tall as the terminal. Tiny terminals get minimum sizes and are
 * cut off at the bottom rather than wrapped.
 */
export function dashboardLayout(options: {
  rows: number;
  stageCount: number;
  headerLines: number;
  showPanel: boolean;
}): DashboardLayout {
  const stageBox = 1 /* margin */ + BOX_CHROME + Math.max(1, options.stageCount);
  const footer = 1;
  const spare = 1;
  const available = options.rows - options.headerLines - stageBox - footer - spare;
  if (!options.showPanel) return { panelRows: 0, logRows: Math.max(3, available - BOX_CHROME) };
  const content = available - 2 * BOX_CHROME;
  const logRows = Math.max(2, Math.min(6, Math.floor(content * 0.3)));
  return { panelRows: Math.max(3, content - logRows), logRows };
}
