import { Box, Text } from 'ink';
import type { StageView } from '../run-view-state.js';
import { EvalComparisonPanel } from './eval-comparison-panel.js';
import { LossCurvesPanel } from './loss-curves-panel.js';
import { ProbeAccuracyPanel } from './probe-accuracy-panel.js';
import { RobustnessHeatmapPanel } from './robustness-heatmap-panel.js';
import { SearchSetPanel } from './search-set-panel.js';
import type { StageResults } from './stage-results.js';
import { ValidationPanel } from './validation-panel.js';
import { hasStudyResults, VerdictPanel } from './verdict-panel.js';

/** What each result panel is about, for its title. */
const PANEL_TITLE: Record<string, string> = {
  proxy: 'security probe accuracy by layer',
  robustness: 'module robustness (higher = more robust)',
  search: 'Mods_Robust search',
  ift: 'fine-tuning loss',
  eval: 'evaluation: strategies against plain fine-tuning',
  validate: 'ground truth: harmful_asr rise of each module fine-tuned alone',
};

/** The bordered result panel of one stage; `height` is its content rows, `width` the columns inside the border. */
export function ResultPanel({
  stage,
  results,
  width,
  height,
  focused,
}: {
  stage: StageView;
  results: StageResults;
  width: number;
  height: number;
  focused: boolean;
}) {
  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      borderColor={focused ? 'cyan' : 'gray'}
      paddingX={1}
      height={height + 3}
      overflow="hidden"
    >
      <Text dimColor wrap="truncate-end">
        {stage.name} · {panelTitle(stage.name, results)}
        {stage.status === 'skipped' ? ' · skipped: its stored result is current, so nothing is streamed again' : ''}
      </Text>
      <StageResultBody name={stage.name} results={results} width={width} height={height} />
    </Box>
  );
}

function StageResultBody({
  name,
  results,
  width,
  height,
}: {
  name: string;
  results: StageResults;
  width: number;
  height: number;
}) {
  switch (name) {
    case 'proxy':
      return <ProbeAccuracyPanel layers={results.probe} width={width} height={height} />;
    case 'robustness':
      return <RobustnessHeatmapPanel scores={results.robustness} width={width} height={height} />;
    case 'search':
      return <SearchSetPanel search={results.search} width={width} height={height} />;
    case 'ift':
      return <LossCurvesPanel losses={results.losses} width={width} height={height} />;
    case 'eval':
      return <EvalComparisonPanel evaluation={results.evaluation} width={width} height={height} />;
    case 'validate':
      return <ValidationPanel rises={results.validation} spearman={results.spearman} width={width} height={height} />;
    case 'report':
      return <VerdictPanel results={results} width={width} height={height} />;
    default:
      return <Text dimColor>(this stage has no result panel)</Text>;
  }
}

/** A panel's title; the report panel's says whether it holds verdicts or, without a study, the evaluation. */
function panelTitle(stage: string, results: StageResults): string {
  if (stage === 'report')
    return hasStudyResults(results) ? 'verdicts: does the proxy pick the right modules?' : PANEL_TITLE.eval!;
  return PANEL_TITLE[stage] ?? 'result';
}
