import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { MllrError } from '@mllr/core';
import {
  WEIGHTS_FILE,
  WEIGHTS_INDEX_FILE,
  cacheSource,
  downloadHubModel,
  findHubSnapshot,
  formatHubId,
  hubCacheDir,
  parseHubId,
  type HubCacheMiss,
  type HubDownloadProgress,
  type HubId,
  type HubSnapshot,
} from '@mllr/model';
import { embeddedModelDir } from './embedded-models.js';

/** Where a model named in a config or on the command line was found. */
export interface ModelSource {
  /** The value as given: a path, the name of an embedded model (`tiny-chat`, `small-chat`) or a Hub id. */
  given: string;
  /** The model folder. */
  dir: string;
  /** Set when `given` was a Hub id: the cache snapshot it resolved to (commit included). */
  hub?: HubSnapshot;
}

/** Options of {@link obtainModelSource}. */
export interface ObtainModelOptions {
  /** Relative paths are read from here (the current folder, or a run config's folder). */
  baseDir?: string;
  /** Fetch a Hub id that is absent from the cache, or whose snapshot lacks its config or weights. */
  download?: boolean;
  /** How the option is spelled where the value came from, for messages (`--download`, `model.download: true`). */
  downloadHint?: string;
  onProgress?: (event: HubDownloadProgress) => void;
  /** The fetch a download uses (tests inject a fake Hub). */
  fetch?: typeof fetch;
  env?: NodeJS.ProcessEnv;
}

/**
 * Where the model named `path` is, without any network: `tiny-chat` and `small-chat` are the embedded models (see
 * {@link embeddedModelDir}); a path that exists
 * (relative to `baseDir`) is that folder, whatever it looks like; otherwise a value of the form `org/name` or
 * `org/name@revision` is a Hugging Face Hub id, read from the local cache (HF_HUB_CACHE, else HF_HOME/hub, else
 * ~/.cache/huggingface/hub). A Hub id that is not there is an ARGUMENT_INVALID error (exit 2) naming each place
 * looked at and how to download it. Anything else is returned as a path; callers report a missing folder.
 */
export function resolveModelSource(
  path: string,
  baseDir = process.cwd(),
  env: NodeJS.ProcessEnv = process.env,
  downloadHint = '--download',
): ModelSource {
  const embedded = embeddedModelDir(path);
  if (embedded !== undefined) return { given: path, dir: embedded };
  const local = isAbsolute(path) ? path : resolve(baseDir, path);
  const id = existsSync(local) ? undefined : parseHubId(path);
  if (!id) return { given: path, dir: local };
  const found = findHubSnapshot(id, hubCacheDir(env));
  if ('snapshot' in found) return { given: path, dir: found.snapshot.dir, hub: found.snapshot };
  throw notInCache(path, local, id, found.miss, downloadHint);
}

/** The folder of a model named in a config or on the command line (see {@link resolveModelSource}). */
export function resolveModelDir(path: string, baseDir = process.cwd()): string {
  return resolveModelSource(path, baseDir).dir;
}

/**
 * {@link resolveModelSource}, downloading a Hub id first when asked to (`--download`, `model.download: true`) and
 * the cache lacks it or its snapshot lacks config.json or the weights. Without `download` nothing is fetched.
 */
export async function obtainModelSource(path: string, options: ObtainModelOptions = {}): Promise<ModelSource> {
  const baseDir = options.baseDir ?? process.cwd();
  const env = options.env ?? process.env;
  const hint = options.downloadHint ?? '--download';
  if (!options.download) return resolveModelSource(path, baseDir, env, hint);
  const local = isAbsolute(path) ? path : resolve(baseDir, path);
  const id = embeddedModelDir(path) !== undefined || existsSync(local) ? undefined : parseHubId(path);
  if (!id) return resolveModelSource(path, baseDir, env, hint);
  const cache = hubCacheDir(env);
  const found = findHubSnapshot(id, cache);
  if ('snapshot' in found && isComplete(found.snapshot.dir))
    return { given: path, dir: found.snapshot.dir, hub: found.snapshot };
  const snapshot = await downloadHubModel(id, {
    cache,
    env,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return { given: path, dir: snapshot.dir, hub: snapshot };
}

/** A snapshot with what every command reads: config.json and the weights (or their index). */
function isComplete(dir: string): boolean {
  const has = (file: string) => existsSync(join(dir, file)) && statSync(join(dir, file)).isFile();
  return has('config.json') && (has(WEIGHTS_FILE) || has(WEIGHTS_INDEX_FILE));
}

function notInCache(path: string, local: string, id: HubId, miss: HubCacheMiss, downloadHint: string): MllrError {
  const revision = id.revision === 'main' ? '' : ` --revision ${id.revision}`;
  const looked = [`${local}: no such folder (an existing folder of that name would be used first)`, ...miss.looked];
  return new MllrError(
    'ARGUMENT_INVALID',
    `model ${formatHubId(id)} is neither a local folder nor in the Hugging Face cache (${miss.cache.dir}, from ${cacheSource(miss.cache)}). ` +
      `Looked at: ${looked.join('; ')}. ` +
      `Download it with ${downloadHint}, or with \`huggingface-cli download ${id.repo}${revision}\` (the cache is HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub).`,
  );
}

/** How a model given as a Hub id was found, as run records (base.json, summary.json, finetune.json, eval.json) store it. */
export interface HubRecord {
  /** The id as given: `org/name` or `org/name@revision`. */
  id: string;
  repo: string;
  revision: string;
  /** The commit the revision resolved to. */
  commit: string;
  /** The snapshot folder read. */
  folder: string;
}

/** The record of a model source that was a Hub id; undefined for a folder or tiny-chat. */
export function hubRecord(source: ModelSource): HubRecord | undefined {
  const hub = source.hub;
  return hub ? { id: hub.id, repo: hub.repo, revision: hub.revision, commit: hub.commit, folder: hub.dir } : undefined;
}
