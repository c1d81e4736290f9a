import type { EvalReport } from '@mllr/pipeline';

const ORDER = ['harmful_asr', 'over_refusal', 'usability', 'expertise'] as const;
const BETTER: Record<(typeof ORDER)[number], string> = {
  harmful_asr: 'lower',
  over_refusal: 'lower',
  usability: 'higher',
  expertise: 'higher',
};

/** `mllr eval --json`: exactly the model, the four metrics and the counts behind them. */
export function evalJson(report: EvalReport): string {
  return `${JSON.stringify({ model: report.model, metrics: report.metrics, counts: report.counts })}\n`;
}

/** `mllr eval`: the metrics as a table, one row per metric with its value, counts and which way is better. */
export function formatEvalReport(report: EvalReport): string {
  const rows = [
    ['metric', 'value', 'count', 'truncated', 'better'],
    // Only the metrics the config's evaluators measured.
    ...ORDER.flatMap((m) => {
      const c = report.counts[m];
      const value = report.metrics[m];
      return c && value !== undefined
        ? [[m, `${(value * 100).toFixed(1)}%`, `${c.numerator}/${c.denominator}`, String(c.truncated), BETTER[m]]]
        : [];
    }),
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  const lines = rows.map((r) =>
    r
      .map((cell, col) => (col === 0 || col === 4 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!)))
      .join('  ')
      .trimEnd(),
  );
  const head = `model ${report.model} (${report.engine.name}, ${report.engine.device})`;
  const tail = report.generations
    ? [`generations: ${report.generations.file} (${report.generations.records} items)`]
    : [];
  return `${[head, '', ...lines, ...(tail.length > 0 ? ['', ...tail] : [])].join('\n')}\n`;
}
