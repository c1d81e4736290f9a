import { Box, Text, useApp, useInput, useStdout } from 'ink';
import { useEffect, useState } from 'react';
import { dashboardLayout } from './dashboard-layout.js';
import { LogPane } from './log-pane.js';
import { focusCycle, moveFocus, shownResultStage, type Focus } from './panel-focus.js';
import { ResultPanel } from './results/result-panel.js';
import { formatDuration, type RunViewState } from './run-view-state.js';
import { StageList } from './stage-list.js';

/** Where the dashboard's state comes from and where its key presses go. */
export interface RunDashboardProps {
  /** Current state; the caller throttles how often it changes. */
  state: RunViewState;
  /** `q` or Ctrl-C: stop at the next safe point (a second press stops at once). */
  onStop: () => void;
  /** Overrides the clock (tests). */
  now?: number;
}

const HELP = [
  ['q / Ctrl-C', 'stop safely; the run folder stays resumable (press twice to stop at once)'],
  ['tab / →', "focus the next panel: stage list, log, then each stage's results"],
  ['shift-tab / ←', 'focus the previous panel'],
  ['', "the running stage's results show until you focus another stage's panel"],
  ['?', 'show or hide this help'],
];

/** The live view of one run: header, stage list with progress and ETA, the shown stage's results, log pane, help. */
export function RunDashboard({ state, onStop, now }: RunDashboardProps) {
  const { stdout } = useStdout();
  const [size, setSize] = useState({ columns: stdout.columns || 100, rows: stdout.rows || 30 });
  const [focus, setFocus] = useState<Focus>('stages');
  const [help, setHelp] = useState(false);
  const [stopping, setStopping] = useState(false);
  const [clock, setClock] = useState(Date.now());

  useEffect(() => {
    const onResize = () => setSize({ columns: stdout.columns || 100, rows: stdout.rows || 30 });
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
  }, [stdout]);

  useEffect(() => {
    if (state.status !== 'running' && state.status !== 'starting') return undefined;
    const timer = setInterval(() => setClock(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [state.status]);

  useInput((input, key) => {
    if (input === 'q' || (key.ctrl && input === 'c')) {
      setStopping(true);
      onStop();
    } else if (input === '?') {
      setHelp((h) => !h);
    } else if (key.tab || key.leftArrow || key.rightArrow) {
      const step = key.leftArrow || (key.tab && key.shift) ? -1 : 1;
      setFocus((f) => moveFocus(focusCycle(state.stages), f, step));
    }
  });

  const current = now ?? clock;
  const width = Math.max(40, size.columns);
  const shownStage = state.stages.find((s) => s.name === shownResultStage(state.stages, focus));
  const elapsed = state.startedAt !== undefined ? formatDuration((current - state.startedAt) / 1000) : '';
  const infoLine = Object.entries(state.info)
    .filter(([key]) => key !== 'config')
    .map(([key, value]) => `${key}: ${value}`)
    .join('  ');
  const layout = dashboardLayout({
    rows: size.rows,
    stageCount: state.stages.length,
    headerLines: infoLine ? 3 : 2,
    showPanel: shownStage !== undefined,
  });

  return (
    <Box flexDirection="column" width={width}>
      <Box justifyContent="space-between">
        <Text bold color="cyan">
          mllr run
        </Text>
        <Text dimColor>
          {statusText(state.status, stopping)} {elapsed}
        </Text>
      </Box>
      <Text wrap="truncate-middle">run folder: {state.runDir ?? '(opening…)'}</Text>
      {infoLine ? (
        <Text wrap="truncate-end" dimColor>
          {infoLine}
        </Text>
      ) : null}
      <Box
        flexDirection="column"
        borderStyle="round"
        borderColor={focus === 'stages' ? 'cyan' : 'gray'}
        paddingX={1}
        marginTop={1}
      >
        <Text dimColor>stages</Text>
        {state.stages.length === 0 ? (
          <Text dimColor>(waiting for the engine…)</Text>
        ) : (
          <StageList stages={state.stages} now={current} width={width - 4} />
        )}
      </Box>
      {shownStage && !help ? (
        <ResultPanel
          stage={shownStage}
          results={state.results}
          width={width - 4}
          height={layout.panelRows}
          focused={focus === `panel:${shownStage.name}`}
        />
      ) : null}
      {help ? (
        <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
          <Text bold>keys</Text>
          {HELP.map(([keys, text]) => (
            <Text key={text} wrap="truncate-end">
              <Text color="yellow">{keys!.padEnd(14)}</Text> {text}
            </Text>
          ))}
        </Box>
      ) : (
        <LogPane logs={state.logs} height={layout.logRows} width={width - 4} focused={focus === 'log'} />
      )}
      <Text dimColor wrap="truncate-end">
        q stop · tab / ← → switch panel · ? help
      </Text>
    </Box>
  );
}

function statusText(status: RunViewState['status'], stopping: boolean): string {
  if (stopping && (status === 'running' || status === 'starting')) return 'stopping at the next safe point…';
  return status;
}

/** Exits the Ink app once the run has ended, so the final frame stays on screen. */
export function ExitWhenDone({ done }: { done: boolean }) {
  const { exit } = useApp();
  useEffect(() => {
    if (done) exit();
  }, [done, exit]);
  return null;
}
