import { Box, Text, useApp, useInput, useStdout } from 'ink';
import { useEffect, useState } from 'react';
import { LogPane } from './log-pane.js';
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
  ['tab / ← →', 'move focus between the stage list and the log'],
  ['?', 'show or hide this help'],
];

/** The live view of one run: header, stage list with progress and ETA, log pane, help. */
export function RunDashboard({ state, onStop, now }: RunDashboardProps) {
  const { stdout } = useStdout();
  const [size, setSize] = useState({ columns: stdout.columns || 100, rows: stdout.rows || 30 });
  const [focus, setFocus] = useState<'stages' | 'log'>('stages');
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
      setFocus((f) => (f === 'stages' ? 'log' : 'stages'));
    }
  });

  const current = now ?? clock;
  const width = Math.max(40, size.columns);
  const logHeight = Math.max(3, size.rows - state.stages.length - 10);
  const elapsed = state.startedAt !== undefined ? formatDuration((current - state.startedAt) / 1000) : '';
  const infoLine = Object.entries(state.info)
    .filter(([key]) => key !== 'config')
    .map(([key, value]) => `${key}: ${value}`)
    .join('  ');

  return (
    <Box flexDirection="column" width={width}>
      <Box justifyContent="space-between">
        <Text bold color="cyan">mllr run</Text>
        <Text dimColor>{statusText(state.status, stopping)} {elapsed}</Text>
      </Box>
      <Text wrap="truncate-middle">run folder: {state.runDir ?? '(opening…)'}</Text>
      {infoLine ? <Text wrap="truncate-end" dimColor>{infoLine}</Text> : null}
      <Box flexDirection="column" borderStyle="round" borderColor={focus === 'stages' ? 'cyan' : 'gray'} paddingX={1} marginTop={1}>
        <Text dimColor>stages</Text>
        {state.stages.length === 0 ? <Text dimColor>(waiting for the engine…)</Text> : <StageList stages={state.stages} now={current} width={width - 4} />}
      </Box>
      {help ? (
        <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
          <Text bold>keys</Text>
          {HELP.map(([keys, text]) => (
            <Text key={keys}>
              <Text color="yellow">{keys!.padEnd(12)}</Text> {text}
            </Text>
          ))}
        </Box>
      ) : (
        <LogPane logs={state.logs} height={logHeight} width={width - 4} focused={focus === 'log'} />
      )}
      <Text dimColor>q stop · tab switch panel · ? help</Text>
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
