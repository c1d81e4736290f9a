import { verdictOf, verdictSentence } from '@mllr/pipeline';
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { EvalComparisonPanel } from './eval-comparison-panel.js';
import type { StageResults } from './stage-results.js';

const VERDICT_COLOUR = { yes: 'green', no: 'red', 'not distinguishable': 'yellow' } as const;

/** The `<strategy> vs <control>` series the report stage names each comparison's metrics with. */
const SERIES = /^(.+) vs (.+)$/;

/** Whether the run has study results to show in the report panel (verdicts or the ground truth's correlation). */
export function hasStudyResults(results: StageResults): boolean {
  return Object.keys(results.verdicts).length > 0 || results.spearman.value !== undefined;
}

/**
 * Stage `report`, the dashboard's last panel: one verdict sentence per comparison, as report.md words it ("yes" only
 * when the harmful_asr interval lies wholly below 0), and the ground truth's Spearman with its interval. A run without
 * a study shows the evaluation table here, as the eval panel does.
 */
export function VerdictPanel({ results, width, height }: { results: StageResults; width: number; height: number }) {
  if (!hasStudyResults(results))
    return <EvalComparisonPanel evaluation={results.evaluation} width={width} height={height} />;
  const lines: ReactNode[] = [];
  for (const [series, v] of Object.entries(results.verdicts)) {
    const match = SERIES.exec(series);
    if (!match || v.delta === undefined || v.low === undefined || v.high === undefined) continue;
    const ci: [number, number] = [v.low, v.high];
    lines.push(
      <Text key={series} color={VERDICT_COLOUR[verdictOf(ci)]} wrap="wrap">
        {verdictSentence({ strategy: match[1]!, control: match[2]!, delta_harmful_asr: v.delta, ci })}
      </Text>,
    );
  }
  const { value, low, high } = results.spearman;
  if (value !== undefined) {
    lines.push(
      <Text key="spearman" wrap="truncate-end">
        <Text dimColor>ground truth: Spearman (robustness vs − harm sensitivity) </Text>
        {value.toFixed(2)}
        {low !== undefined && high !== undefined ? ` [${low.toFixed(2)}, ${high.toFixed(2)}]` : ''}
        <Text dimColor> over {Object.keys(results.validation).length || '?'} module runs</Text>
      </Text>,
    );
  }
  return (
    <Box flexDirection="column" width={width}>
      {lines.slice(0, Math.max(1, height))}
    </Box>
  );
}
