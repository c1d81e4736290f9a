import { Box, Text } from 'ink';
import type { LogLine } from './run-view-state.js';

const LEVEL_COLOR: Record<LogLine['level'], string | undefined> = {
  debug: 'gray',
  info: undefined,
  warn: 'yellow',
  error: 'red',
};

/** The most recent log lines that fit in `height` rows, each cut to `width` columns; always `height` rows tall. */
export function LogPane({
  logs,
  height,
  width,
  focused,
}: {
  logs: readonly LogLine[];
  height: number;
  width: number;
  focused: boolean;
}) {
  const rows = Math.max(1, height);
  const visible = logs.slice(-rows);
  // Blank rows keep the frame's height fixed while the log fills, so the panels above do not jump.
  const blank = Math.max(0, rows - Math.max(1, visible.length));
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={focused ? 'cyan' : 'gray'} paddingX={1}>
      <Text dimColor>log</Text>
      {visible.length === 0 ? <Text dimColor>(nothing yet)</Text> : null}
      {visible.map((line, i) => {
        const color = LEVEL_COLOR[line.level];
        return (
          <Text key={`${line.time}-${i}`} wrap="truncate-end" {...(color ? { color } : {})}>
            {new Date(line.time).toISOString().slice(11, 19)}{' '}
            {line.text.split('\n')[0]!.slice(0, Math.max(10, width - 14))}
          </Text>
        );
      })}
      {Array.from({ length: blank }, (_, i) => (
        <Text key={`blank-${i}`}> </Text>
      ))}
    </Box>
  );
}
