import { MllrError, type MetricValue, type RunConfig, type RunStore, type SearchStrategy } from '@mllr/core';
import type {
  BaseArtifact,
  EvalArtifact,
  IftArtifact,
  ProxyArtifact,
  RobustnessArtifact,
  SearchArtifact,
} from '../stages/ml-lr/artifacts.js';
import { seedRuns } from '../stages/ml-lr/seed-runs.js';
import type { ValidationArtifact } from '../stages/ml-lr/validation-artifact.js';
import { paretoData } from './study/pareto-data.js';
import { strategyLabels } from './study/strategy-labels.js';
import { stageEngines } from '../stages/ml-lr/stage-engines.js';
import { compareStrategies } from '../study/comparisons.js';
import { configSummary } from './config-summary.js';
import { gatherDataNotes } from './data-notes.js';
import { METRICS, type GenerationsLink, type ReportData, type RunCurve, type RunMetrics } from './report-data.js';

/** A search decision as search.json stores it (greedy also records the set size). */
type StoredStep = SearchArtifact['trace'][number] & { size?: number };

/** The stages whose time the report lists, where they ran (the report itself is still running). */
export const TIMED_STAGES = ['pretrain', 'base', 'proxy', 'robustness', 'search', 'ift', 'eval', 'validate'] as const;

/**
 * Reads what the report shows from a run folder: base.json, proxy.json, robustness.json, search.json, eval.json,
 * ift/<runId>.json for every run of the config (strategy × seed), validation.json where the validate stage ran, and
 * the stage records' times. A run whose curve is
 * missing is reported through `warn` and left out of the curves. `configuredSearch` (the config's search strategy)
 * gives the threshold where search.json predates recording it.
 */
export async function gatherReportData(
  store: RunStore,
  config: RunConfig,
  warn: (message: string) => void = () => {},
  configuredSearch?: Pick<SearchStrategy, 'name' | 'threshold'>,
): Promise<ReportData> {
  const base = await store.readJson<BaseArtifact>('base.json');
  const proxy = await store.readJson<ProxyArtifact>('proxy.json');
  const robustness = await store.readJson<RobustnessArtifact>('robustness.json');
  const search = await store.readJson<SearchArtifact>('search.json');
  const evalArtifact = await store.readJson<EvalArtifact>('eval.json');
  const evaluation = evalMetrics(evalArtifact);

  const dataNotes = await gatherDataNotes(store);
  // Only where the validate stage ran in this run (validate.enabled): a stale file from an earlier config is not shown.
  const validation =
    config.validate.enabled && (await store.exists('validation.json'))
      ? await store.readJson<ValidationArtifact>('validation.json')
      : undefined;
  // The statistics of issue 17: each configured comparison from the runs' per-prompt judgments (eval/<run>.jsonl).
  const comparisons = config.comparisons?.length ? await compareStrategies(store, config, evaluation, warn) : undefined;

  const timings: Record<string, number> = {};
  for (const stage of TIMED_STAGES) {
    const record = await store.stageRecord(stage);
    if (record) timings[stage] = Math.round(record.elapsedS * 10) / 10;
  }

  const runs = seedRuns(config);
  const seeds = [...new Set(runs.filter((r) => r.runId in evaluation).map((r) => r.seed))].sort((a, b) => a - b);
  if (seeds.length === 0) seeds.push(config.seed);
  const curves: RunCurve[] = [];
  for (const run of runs) {
    const path = `ift/${run.runId}.json`;
    if (!(await store.exists(path))) {
      if (run.runId in evaluation) warn(`no training curve for ${run.runId} (${path} is missing)`);
      continue;
    }
    const ift = await store.readJson<IftArtifact>(path);
    curves.push({
      runId: run.runId,
      strategy: run.strategyId,
      seed: run.seed,
      points: ift.curve.map((p) => ({ step: p.step, loss: p.loss })),
    });
  }

  return {
    base: {
      model: base.model,
      ...(base.hub ? { hub: base.hub } : {}),
      family: base.family,
      parameters: base.parameters,
      numLayers: base.numLayers,
      engine: base.engine,
      device: base.device,
      engines: stageEngines(config, {
        training: { engine: base.engine, device: base.device },
        ...(base.inference ? { inference: base.inference } : {}),
      }),
    },
    proxy: {
      layer: proxy.layer,
      clean_accuracy: proxy.clean_accuracy,
      per_layer: proxy.per_layer ?? [],
      ...(proxy.warnings?.length ? { warnings: proxy.warnings } : {}),
    },
    robustness: {
      proxy: robustness.proxy,
      scores: robustness.scores.map((s) => ({ module: s.module, score: s.score })),
      heatmap: robustness.heatmap,
    },
    search: {
      strategy: search.strategy,
      mods_robust: search.mods_robust,
      trace: ((search.trace ?? []) as StoredStep[]).map((s) => ({
        candidate: s.candidate,
        accepted: s.accepted,
        value: s.value,
        ...(typeof s.size === 'number' ? { size: s.size } : {}),
      })),
      ...withThreshold(search, configuredSearch),
      sets: search.sets ?? {},
    },
    curves,
    evaluation,
    ...withByFile(evalArtifact),
    generations: generationsLinks(evalArtifact),
    ...(dataNotes ? { data_notes: dataNotes } : {}),
    seeds,
    timings_s: timings,
    config: configSummary(config, seeds),
    ...(validation ? { validation } : {}),
    ...withPareto(config, evaluation),
    labels: strategyLabels(config),
    ...(comparisons ? { comparisons } : {}),
  };
}

/** The Pareto chart's data where some strategy is swept (see paretoData). */
function withPareto(config: RunConfig, evaluation: Record<string, RunMetrics>): Pick<ReportData, 'pareto'> {
  const pareto = paretoData(config, evaluation);
  return pareto ? { pareto } : {};
}

/** eval.json reduced to the four headline metrics per run; a run without one of them is an invalid artifact. */
function evalMetrics(artifact: EvalArtifact): Record<string, RunMetrics> {
  const result: Record<string, RunMetrics> = {};
  for (const [id, metrics] of Object.entries(artifact)) {
    const missing = METRICS.filter((m) => typeof (metrics[m] as MetricValue | undefined)?.value !== 'number');
    if (missing.length > 0) {
      throw new MllrError(
        'ARTIFACT_INVALID',
        `eval.json: ${id} has no ${missing.join(', ')}; the report needs ${METRICS.join(', ')} for every model`,
      );
    }
    result[id] = Object.fromEntries(METRICS.map((m) => [m, metrics[m]!.value])) as RunMetrics;
  }
  return result;
}

/** The per-file breakdowns of the models whose eval.json entry has one. */
function withByFile(artifact: EvalArtifact): Pick<ReportData, 'by_file'> {
  const byFile = Object.fromEntries(
    Object.entries(artifact).flatMap(([model, entry]) => (entry.by_file ? [[model, entry.by_file]] : [])),
  );
  return Object.keys(byFile).length > 0 ? { by_file: byFile } : {};
}

/** The generations file of every model whose eval.json entry names one. */
function generationsLinks(artifact: EvalArtifact): GenerationsLink[] {
  const links: GenerationsLink[] = [];
  for (const [model, entry] of Object.entries(artifact)) {
    const generations = entry.generations;
    if (!generations || typeof generations.file !== 'string') continue;
    const omitted = Object.values(generations.omitted ?? {}).reduce((a, b) => a + b, 0);
    links.push({ model, file: generations.file, records: generations.records, omitted });
  }
  return links;
}

/**
 * The search's threshold: from search.json if it records one, else (a folder written before search.json recorded it)
 * the configured strategy's, when that is the strategy search.json names.
 */
function withThreshold(
  search: SearchArtifact,
  configured: Pick<SearchStrategy, 'name' | 'threshold'> | undefined,
): { threshold?: number } {
  if (typeof search.threshold === 'number') return { threshold: search.threshold };
  return configured?.name === search.strategy && configured.threshold !== undefined
    ? { threshold: configured.threshold }
    : {};
}
