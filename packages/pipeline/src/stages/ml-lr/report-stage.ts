import type { Stage, StageContext } from '@mllr/core';
import type { BaseArtifact, EvalArtifact, ProxyArtifact, RobustnessArtifact, SearchArtifact } from './artifacts.js';

/** summary.json in the format other tools read (DESIGN.md): metrics are fractions in [0,1]. */
export interface Summary {
  base_model: string;
  proxy: { layer: number; clean_accuracy: number };
  robustness: Array<{ module: string; score: number }>;
  mods_robust: string[];
  runs: Record<string, { harmful_asr: number; over_refusal: number; usability: number; expertise: number }>;
  timings_s: Record<string, number>;
}

/** `report`: summary.json and report.md from the other stages' artifacts. */
export function reportStage(): Stage {
  return {
    name: 'report',
    title: 'write the report',
    async run(context: StageContext) {
      const { store } = context;
      const base = await store.readJson<BaseArtifact>('base.json');
      const proxy = await store.readJson<ProxyArtifact>('proxy.json');
      const robustness = await store.readJson<RobustnessArtifact>('robustness.json');
      const search = await store.readJson<SearchArtifact>('search.json');
      const evaluation = await store.readJson<EvalArtifact>('eval.json');
      const timings: Record<string, number> = {};
      for (const stage of ['base', 'proxy', 'robustness', 'search', 'ift', 'eval']) {
        const record = await store.stageRecord(stage);
        if (record) timings[stage] = Math.round(record.elapsedS * 10) / 10;
      }
      const runs: Summary['runs'] = {};
      for (const [id, metrics] of Object.entries(evaluation)) {
        runs[id] = {
          harmful_asr: metrics.harmful_asr!.value,
          over_refusal: metrics.over_refusal!.value,
          usability: metrics.usability!.value,
          expertise: metrics.expertise!.value,
        };
      }
      const summary: Summary = {
        base_model: base.model,
        proxy: { layer: proxy.layer, clean_accuracy: proxy.clean_accuracy },
        robustness: robustness.scores.map((s) => ({ module: s.module, score: s.score })),
        mods_robust: search.mods_robust,
        runs,
        timings_s: timings,
      };
      await store.writeJson('summary.json', summary);
      await store.writeArtifact('report.md', reportMarkdown(summary, robustness));
    },
  };
}

function reportMarkdown(summary: Summary, robustness: RobustnessArtifact): string {
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  const uniform = summary.runs.uniform;
  const delta = (id: string, metric: keyof Summary['runs'][string]) => {
    if (!uniform || id === 'uniform' || id === 'base') return '';
    const d = summary.runs[id]![metric] - uniform[metric];
    return ` (${d >= 0 ? '+' : ''}${(100 * d).toFixed(1)})`;
  };
  const rows = Object.keys(summary.runs).map(
    (id) =>
      `| ${id} | ${(['harmful_asr', 'over_refusal', 'usability', 'expertise'] as const).map((m) => `${pct(summary.runs[id]![m])}${delta(id, m)}`).join(' | ')} |`,
  );
  const heat = robustness.heatmap;
  return [
    '# mllr run report',
    '',
    `Base model: \`${summary.base_model}\`. Security probe on layer ${summary.proxy.layer}, clean accuracy ${pct(summary.proxy.clean_accuracy)}.`,
    '',
    '## Results',
    '',
    'Deltas in percentage points against `uniform` (plain fine-tuning). Lower is better for harmful_asr and over_refusal.',
    '',
    '| model | harmful_asr | over_refusal | usability | expertise |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `## Mods_Robust (${summary.mods_robust.length} modules)`,
    '',
    summary.mods_robust.map((m) => `\`${m}\``).join(' '),
    '',
    `## Module robustness (${robustness.proxy}; higher = more robust)`,
    '',
    `| type | ${heat.layers.map((l) => `L${l}`).join(' | ')} |`,
    `| --- | ${heat.layers.map(() => '---').join(' | ')} |`,
    ...heat.types.map((t, i) => `| ${t} | ${heat.values[i]!.map((v) => (v === null ? '-' : v.toFixed(3))).join(' | ')} |`),
    '',
    '## Stage timings (s)',
    '',
    ...Object.entries(summary.timings_s).map(([stage, s]) => `- ${stage}: ${s}`),
    '',
  ].join('\n');
}
