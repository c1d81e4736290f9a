import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { toMllrError, type ConfigProblem, type DatasetSource, type PluginRef, type RunConfig } from '@mllr/core';
import { checkDatasetSource, formatOf, resolveMapping } from '@mllr/data';
import { loadModelConfig, loadTokenizer, locateWeights } from '@mllr/model';
import { downloadProgressLine } from '../../models/download-progress.js';
import { obtainModelSource } from '../../models/resolve-model-dir.js';
import { resolveSource } from './run-data.js';

/** A problem at `path` from whatever a check threw (its message and code, no stack). */
function problemOf(path: readonly (string | number)[], error: unknown): ConfigProblem {
  const e = toMllrError(error);
  return { path, message: e.message, code: e.code };
}

/**
 * What the ML-LR stages need from the model folder, checked with the loaders the stages use: config.json, the
 * safetensors weights, tokenizer.json and a chat template. A Hub id is looked up in the local cache, and downloaded
 * first under `model.download: true` (progress to `log`). Nothing to check when the run pretrains its own model.
 */
export async function modelProblems(
  config: Pick<RunConfig, 'model'>,
  configDir: string,
  log?: (line: string) => void,
): Promise<ConfigProblem[]> {
  if (config.model.pretrain) return [];
  const at = ['model', 'path'];
  let dir: string;
  try {
    const source = await obtainModelSource(config.model.path, {
      baseDir: configDir,
      download: config.model.download ?? false,
      downloadHint: 'model.download: true in the config',
      onProgress: (event) => {
        const line = downloadProgressLine(event);
        if (line !== undefined) log?.(line);
      },
    });
    dir = source.dir;
  } catch (error) {
    return [problemOf(at, error)];
  }
  const info = await stat(dir).catch(() => undefined);
  if (!info) return [{ path: at, message: `the model folder ${dir} does not exist`, code: 'CHECKPOINT_INVALID' }];
  if (!info.isDirectory())
    return [
      {
        path: at,
        message: `${dir} is not a folder (name the model's folder, with config.json, the weights and tokenizer.json)`,
        code: 'CHECKPOINT_INVALID',
      },
    ];
  const problems: ConfigProblem[] = [];
  const checks: Array<() => Promise<unknown>> = [
    () => loadModelConfig(dir),
    () => locateWeights(dir),
    async () => {
      const tokenizer = await loadTokenizer(dir);
      tokenizer.applyChatTemplate([{ role: 'user', content: 'hello' }], { addGenerationPrompt: true });
    },
  ];
  for (const check of checks) {
    try {
      await check();
    } catch (error) {
      problems.push(problemOf(at, error));
    }
  }
  return problems;
}

/** Every dataset source of a config with its key path. */
export function datasetSources(
  config: Pick<RunConfig, 'model' | 'data'>,
): Array<{ path: (string | number)[]; source: DatasetSource }> {
  const { data } = config;
  const list = (sources: readonly DatasetSource[], path: (string | number)[]) =>
    sources.map((source, i) => ({ path: [...path, i], source }));
  return [
    ...list(config.model.pretrain?.data ?? [], ['model', 'pretrain', 'data']),
    ...(data.ift ? [{ path: ['data', 'ift'], source: data.ift }] : []),
    ...list(data.probe.harmful, ['data', 'probe', 'harmful']),
    ...list(data.probe.benign, ['data', 'probe', 'benign']),
    ...list(data.harmful_eval, ['data', 'harmful_eval']),
    ...list(data.benign_eval, ['data', 'benign_eval']),
    ...list(data.usability_eval, ['data', 'usability_eval']),
    ...list(data.expertise_eval, ['data', 'expertise_eval']),
  ];
}

/**
 * Every dataset the run reads: the data folder exists where relative paths need it (one problem, not one per file),
 * and each file exists with a known preset and format. A source read by a plugin reader is that reader's business.
 */
export async function dataProblems(
  config: Pick<RunConfig, 'model' | 'data'>,
  dataDir: string,
): Promise<ConfigProblem[]> {
  const problems: ConfigProblem[] = [];
  let folderMissing = false;
  const seen = new Set<string>();
  for (const { path, source } of datasetSources(config)) {
    const { reader, ...plain } = source as DatasetSource & { reader?: PluginRef };
    if (reader) continue;
    if (!isAbsolute(plain.path)) {
      try {
        resolveSource(plain, dataDir);
      } catch (error) {
        if (!folderMissing) problems.push(problemOf(config.data.dir !== undefined ? ['data', 'dir'] : path, error));
        folderMissing = true;
        // No file to look at, but the preset and format can still be wrong.
        try {
          resolveMapping(plain);
          formatOf(plain);
        } catch (mappingError) {
          problems.push(problemOf(path, mappingError));
        }
        continue;
      }
    }
    const resolved = resolveSource(plain, dataDir);
    const key = JSON.stringify(resolved);
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      await checkDatasetSource(resolved);
    } catch (error) {
      problems.push(problemOf(path, error));
    }
  }
  return problems;
}
