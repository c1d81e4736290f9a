import { pluginLoader, type Stage, type StageContext } from '@mllr/core';
import { gatherReportData } from '../../report/gather-report-data.js';
import { renderReportHtml } from '../../report/report-html.js';
import { reportMarkdown } from '../../report/report-markdown.js';
import { buildSummary } from '../../report/summary.js';
import { verdictSentence } from '../../report/study/verdict.js';

export type { Summary } from '../../report/summary.js';

/**
 * `report`: summary.json (the format other tools read, DESIGN.md; mean over seeds in `runs`), report.md and a
 * self-contained report.html, all from the other stages' artifacts.
 */
export function reportStage(): Stage {
  return {
    name: 'report',
    title: 'write the report',
    async run(context: StageContext) {
      const { store } = context;
      const warn = (message: string) => context.log(message, 'warn');
      // The configured search, through its contract, for the threshold of a search.json written before it was recorded.
      const search = await pluginLoader(context.container).load('search', context.config.search, 'search');
      const data = await gatherReportData(store, context.config, warn, search);
      await store.writeJson('summary.json', buildSummary(data));
      // Each comparison's verdict, for the dashboard's last panel and the log (the same sentence as report.md).
      for (const c of data.comparisons ?? []) {
        const series = `${c.strategy} vs ${c.control}`;
        context.metric('delta_harmful_asr', c.delta_harmful_asr, { series });
        context.metric('delta_harmful_asr_low', c.ci[0], { series });
        context.metric('delta_harmful_asr_high', c.ci[1], { series });
        context.log(verdictSentence(c, data.labels));
      }
      await store.writeArtifact('report.md', reportMarkdown(data));
      await store.writeArtifact('report.html', await renderReportHtml(data, { onWarning: warn }));
    },
  };
}
