import { Box, Text } from 'ink';
import {
  comparisonTable,
  deltaVerdict,
  formatDelta,
  formatSummary,
  HEADLINE_METRICS,
  REFERENCE_STRATEGY,
} from './comparison-table.js';

const VERDICT_COLOUR = { better: 'green', worse: 'red', same: 'gray', unknown: undefined } as const;

/**
 * Stage `eval`: base and each strategy (mean ± sd over seeds) against the four headline metrics, with a Δ line per
 * strategy against plain fine-tuning: green where it is better (lower harmfulness and over-refusal, higher usability
 * and expertise), red where worse.
 */
export function EvalComparisonPanel({
  evaluation,
  width,
  height,
}: {
  evaluation: Readonly<Record<string, Readonly<Record<string, number>>>>;
  width: number;
  height: number;
}) {
  const table = comparisonTable(evaluation);
  if (table.rows.length === 0) return <Text dimColor>(no model evaluated yet)</Text>;
  const nameWidth = Math.max(16, ...table.rows.map((r) => label(r.model, r.runs).length + 1));
  // Wide enough for the longest heading (`over_refusal ↓`) and a space; a narrow terminal cuts the last columns.
  const columnWidth = Math.max(15, Math.min(18, Math.floor((width - nameWidth) / table.metrics.length)));
  const arrow = (metric: string) => {
    const better = HEADLINE_METRICS.find((m) => m.name === metric)?.better;
    return better === 'lower' ? ' ↓' : better === 'higher' ? ' ↑' : '';
  };
  const lines = [
    <Text key="head" bold wrap="truncate-end">
      {'model'.padEnd(nameWidth)}
      {table.metrics.map((m) => `${m}${arrow(m)}`.padEnd(columnWidth)).join('')}
    </Text>,
  ];
  for (const row of table.rows) {
    lines.push(
      <Text key={row.model} wrap="truncate-end">
        <Text bold={row.model === REFERENCE_STRATEGY}>{label(row.model, row.runs).padEnd(nameWidth)}</Text>
        {table.metrics.map((m) => formatSummary(row.cells[m]).padEnd(columnWidth)).join('')}
      </Text>,
    );
    if (row.deltas) {
      const deltas = row.deltas;
      lines.push(
        <Text key={`${row.model}-delta`} wrap="truncate-end">
          <Text dimColor>{`  Δ vs ${REFERENCE_STRATEGY}`.padEnd(nameWidth)}</Text>
          {table.metrics.map((m) => {
            const delta = deltas[m];
            const colour = delta === undefined ? undefined : VERDICT_COLOUR[deltaVerdict(m, delta)];
            return (
              <Text key={m} {...(colour ? { color: colour } : {})}>
                {formatDelta(delta).padEnd(columnWidth)}
              </Text>
            );
          })}
        </Text>,
      );
    }
  }
  const room = Math.max(1, height - (table.hasReference ? 0 : 1));
  return (
    <Box flexDirection="column" width={width}>
      {lines.slice(0, room)}
      {table.hasReference ? null : <Text dimColor>(no {REFERENCE_STRATEGY} run yet to compare against)</Text>}
    </Box>
  );
}

function label(model: string, runs: number): string {
  return runs > 1 ? `${model} (${runs} seeds)` : model;
}
