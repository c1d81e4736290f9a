import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { MllrError, type DependencyContainer, type MetricValue, type RunConfig } from '@mllr/core';
import type { HeadlineMetric } from '@mllr/eval';
import { loadRunConfig } from '../config/load-config.js';
import { downloadProgressLine } from '../models/download-progress.js';
import { hubRecord, obtainModelSource, type HubRecord } from '../models/resolve-model-dir.js';
import { BUILTIN_PLUGINS } from '../plugins/builtin-plugins.js';
import type { PluginCatalog } from '../plugins/plugin-catalog.js';
import { createRunContainer } from '../plugins/composition-root.js';
import { withEvalHarmful } from '../run/execute-run.js';
import { FsRunStore } from '../run/fs-run-store.js';
import { RunEventSink } from '../run/run-event-sink.js';
import { RunResources } from '../stages/ml-lr/run-resources.js';
import { breakdownSpans, type ByFile } from './eval-files.js';
import { evaluateModel } from './evaluate-model.js';
import { loadEvaluators } from './load-evaluators.js';
import type { GenerationsSummary } from './generations-log.js';

/** What `mllr eval` asks for. */
export interface EvalRequest {
  /** The model folder (Hugging Face layout), `tiny-chat`, or a Hub id read from the local cache; relative to `cwd`. */
  model: string;
  /** Download a Hub id the cache lacks (`--download`). */
  download?: boolean;
  /** Run config whose data, judge and engine options the evaluation uses (default: the shipped default config). */
  configFile?: string;
  /** Files of harmful prompts added to the harmful_asr set, as `mllr run --eval-harmful` does. */
  evalHarmful?: string[];
  /** Folder for eval.json and the generations file; nothing is written without it. */
  outDir?: string;
  cwd: string;
  /** Progress lines for people. */
  log?: (line: string) => void;
}

/** The counts behind one metric. */
export interface MetricCounts {
  numerator: number;
  denominator: number;
  /** Prompts cut to fit the model's context. */
  truncated: number;
}

/** What `mllr eval` measured (`--json` prints model, metrics and counts). */
export interface EvalReport {
  /** The model folder evaluated. */
  model: string;
  /** Set when the model was given as a Hub id: the id, its commit and the snapshot folder (eval.json keeps it). */
  hub?: HubRecord;
  /** The metrics of the config's `evaluators` (by default all four headline metrics). */
  metrics: Partial<Record<HeadlineMetric, number>>;
  counts: Partial<Record<HeadlineMetric, MetricCounts>>;
  /** The inference engine and device it ran on. */
  engine: { name: string; device: string };
  /** harmful_asr and over_refusal file by file, where the set has several files (eval.json only; not in `--json`). */
  by_file?: ByFile;
  /** What the generations file holds, when `outDir` was given. */
  generations?: GenerationsSummary;
}

/** The model id `mllr eval` names the generations file after: the folder's name, made safe as a file name. */
export function evalModelId(modelDir: string): string {
  const name = basename(modelDir)
    .replace(/[^\w.#-]+/g, '_')
    .replace(/^\.+/, '');
  return name === '' ? 'model' : name;
}

/**
 * The evaluation stage on one model folder: the same sets (the config's data, or the embedded world), judge,
 * evaluators, engine and generation length as the `eval` stage of a run with that config, so the base model of a
 * default run gets the same numbers as its `base` row. Bad input (a folder that is no model, a bad config, an
 * unreadable --eval-harmful file) is an input error before any engine starts.
 */
export async function evaluateModelFolder(
  request: EvalRequest,
  catalog: PluginCatalog = BUILTIN_PLUGINS,
): Promise<EvalReport> {
  const log = request.log ?? (() => undefined);
  const source = await obtainModelSource(request.model, {
    baseDir: request.cwd,
    download: request.download ?? false,
    onProgress: (event) => {
      const line = downloadProgressLine(event);
      if (line !== undefined) log(line);
    },
  });
  const hub = hubRecord(source);
  const modelDir = checkModelFolder(request.model, source.dir);
  const outDir = request.outDir !== undefined ? checkOutDir(resolve(request.cwd, request.outDir)) : undefined;
  const loaded = await loadRunConfig(request.configFile && resolve(request.cwd, request.configFile), catalog);
  const config = await withEvalHarmful(loaded.config, request.evalHarmful ?? [], request.cwd);

  const events = new RunEventSink((event) => {
    if (event.type === 'log') log(event.message);
  });
  const { container, composer } = createRunContainer({ config, catalog, configDir: loaded.dir, events });
  const resources = new ModelFolderResources(modelDir, config, container, loaded.dir);

  const judge = await composer.load('judge', config.judge, 'judge');
  const evaluators = await loadEvaluators(composer, config);
  const { eval: evalSets, evalFiles } = await resources.data();
  const sets = {
    harmful_asr: evalSets.harmful,
    over_refusal: evalSets.benign,
    usability: evalSets.usability,
    expertise: evalSets.expertise,
  };
  const tokenizer = await resources.modelTokenizer();
  const engine = await resources.openInference('eval', modelDir);
  const engineInfo = { name: engine.name, device: engine.device };
  log(
    `${modelDir} on ${engine.name} (${engine.device}), ${judge.name} judge: ` +
      Object.entries(sets)
        .map(([metric, samples]) => `${samples.length} ${metric}`)
        .join(', '),
  );
  const store = outDir ? new FsRunStore(outDir) : undefined;
  // A snapshot folder is named by its commit: the generations file is named after the repo instead.
  const id = evalModelId(hub ? hub.repo : modelDir);
  let evaluation;
  try {
    evaluation = await evaluateModel({
      id,
      sets,
      evaluators,
      engine,
      tokenizer,
      judge,
      files: breakdownSpans(evalFiles),
      ...(store ? { store } : {}),
      onProgress: (metric, done, total) => {
        if (done === total) log(`${metric}: ${total} judged`);
      },
    });
  } finally {
    await engine.dispose();
  }
  const metrics = evaluation.metrics;
  const report: EvalReport = {
    model: modelDir,
    ...(hub ? { hub } : {}),
    metrics: mapMetrics(metrics, (v) => v.value),
    counts: mapMetrics(metrics, (v) => ({
      numerator: v.numerator,
      denominator: v.denominator,
      truncated: v.truncated ?? 0,
    })),
    engine: engineInfo,
    ...(evaluation.byFile ? { by_file: evaluation.byFile } : {}),
    ...(evaluation.generations ? { generations: evaluation.generations } : {}),
  };
  if (store) await store.writeJson('eval.json', { ...report, config: loaded.file });
  return report;
}

/** Run resources whose model is the folder under evaluation, whatever the config's `model` says (pretraining included). */
class ModelFolderResources extends RunResources {
  constructor(
    private readonly folder: string,
    config: RunConfig,
    container: DependencyContainer,
    configDir: string,
  ) {
    super(config, container, configDir);
  }

  override get modelDir(): string {
    return this.folder;
  }
}

/** The model folder, checked to hold what an evaluation reads: config.json and tokenizer.json. */
function checkModelFolder(model: string, dir: string): string {
  if (!existsSync(dir)) throw new MllrError('ARGUMENT_INVALID', `--model ${model}: no such folder (${dir})`);
  if (!statSync(dir).isDirectory())
    throw new MllrError('ARGUMENT_INVALID', `--model ${model}: ${dir} is a file; give the model's folder`);
  for (const file of ['config.json', 'tokenizer.json']) {
    if (!existsSync(join(dir, file))) {
      throw new MllrError(
        'CHECKPOINT_INVALID',
        `--model ${model}: ${join(dir, file)} is missing; an evaluation needs a model folder in Hugging Face layout with its tokenizer`,
      );
    }
  }
  return dir;
}

function checkOutDir(dir: string): string {
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new MllrError('ARGUMENT_INVALID', `--out ${dir} is a file; give a folder`);
  return dir;
}

function mapMetrics<T>(
  metrics: Partial<Record<HeadlineMetric, MetricValue>>,
  f: (value: MetricValue) => T,
): Partial<Record<HeadlineMetric, T>> {
  return Object.fromEntries(Object.entries(metrics).map(([metric, value]) => [metric, f(value)]));
}
