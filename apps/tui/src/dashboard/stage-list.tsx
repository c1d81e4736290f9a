import { Box, Text } from 'ink';
import { ProgressBar } from './progress-bar.js';
import { etaSeconds, formatDuration, type StageView } from './run-view-state.js';

const STATUS_MARK: Record<StageView['status'], { mark: string; color: string }> = {
  pending: { mark: '·', color: 'gray' },
  running: { mark: '▶', color: 'cyan' },
  done: { mark: '✔', color: 'green' },
  skipped: { mark: '↷', color: 'blue' },
  failed: { mark: '✖', color: 'red' },
  stopped: { mark: '■', color: 'yellow' },
};

/** The stage list: status mark, name, progress bar, counts and ETA or elapsed time. */
export function StageList({ stages, now, width }: { stages: readonly StageView[]; now: number; width: number }) {
  const nameWidth = Math.max(8, ...stages.map((s) => s.name.length)) + 1;
  const barWidth = Math.max(10, Math.min(40, width - nameWidth - 34));
  return (
    <Box flexDirection="column">
      {stages.map((stage) => {
        const { mark, color } = STATUS_MARK[stage.status];
        const eta = etaSeconds(stage, now);
        const detail =
          stage.status === 'done'
            ? stage.elapsedS !== undefined
              ? `done in ${formatDuration(stage.elapsedS)}`
              : 'done'
            : stage.status === 'skipped'
              ? 'skipped (current)'
              : stage.status === 'running' && stage.total > 0
                ? `${stage.done}/${stage.total}${stage.unit ? ` ${stage.unit}` : ''}${eta !== undefined ? `  eta ${formatDuration(eta)}` : ''}`
                : stage.status;
        return (
          <Box key={stage.name}>
            <Text color={color}>{mark} </Text>
            <Text bold={stage.status === 'running'}>{stage.name.padEnd(nameWidth)}</Text>
            <ProgressBar done={stage.done} total={stage.total} width={barWidth} color={color} />
            <Text> {detail}</Text>
          </Box>
        );
      })}
    </Box>
  );
}
