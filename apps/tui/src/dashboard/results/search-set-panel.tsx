import { Box, Text } from 'ink';
import type { SearchProgress } from './stage-results.js';
import { barRange, thresholdBar } from './threshold-bar.js';

const SEGMENT_COLOUR = { threshold: 'yellow', fill: undefined, empty: 'gray' } as const;

/**
 * Stage `search`: the threshold, the set so far, and the newest decisions — each candidate's joint probe value as a
 * bar with the threshold marked (┃), kept ones green, dropped ones red.
 */
export function SearchSetPanel({ search, width, height }: { search: SearchProgress; width: number; height: number }) {
  const { decisions, threshold } = search;
  const members = decisions.filter((d) => d.kept && d.candidate !== undefined).map((d) => d.candidate!);
  const size = decisions.at(-1)?.size ?? 0;
  const header = (
    <Text wrap="truncate-end">
      <Text color="yellow">
        {threshold !== undefined ? `threshold ${threshold.toFixed(3)}` : 'threshold (not reported)'}
      </Text>
      <Text dimColor>
        {' '}
        of clean · set {size} module{size === 1 ? '' : 's'} · {search.kept} kept, {search.dropped} dropped
      </Text>
    </Text>
  );
  if (decisions.length === 0) {
    return (
      <Box flexDirection="column" width={width}>
        {header}
        <Text dimColor>(no candidate checked yet)</Text>
      </Box>
    );
  }
  const range = barRange(
    decisions.map((d) => d.value),
    threshold,
  );
  const nameWidth = Math.max(6, ...decisions.map((d) => (d.candidate ?? '').length));
  const barWidth = Math.max(8, Math.min(40, width - nameWidth - 22));
  const visible = decisions.slice(-Math.max(1, height - 2));
  return (
    <Box flexDirection="column" width={width}>
      {header}
      {visible.map((d, i) => (
        <Text key={i} wrap="truncate-end">
          <Text color={d.kept ? 'green' : 'red'}>{d.kept ? '✔' : '✖'} </Text>
          {(d.candidate ?? '').padEnd(nameWidth)} {d.value.toFixed(4)}{' '}
          {thresholdBar(d.value, threshold, range, barWidth).map((s, j) => (
            <Text key={j} {...colourOf(s.kind, d.kept)}>
              {s.text}
            </Text>
          ))}
          <Text dimColor> → {d.size}</Text>
        </Text>
      ))}
      <Text wrap="truncate-end" dimColor>
        set: {members.length > 0 ? members.join(' ') : '(empty)'}
      </Text>
    </Box>
  );
}

function colourOf(kind: keyof typeof SEGMENT_COLOUR, kept: boolean): { color: string } {
  return { color: SEGMENT_COLOUR[kind] ?? (kept ? 'green' : 'red') };
}
