import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MllrError, writeFileAtomic } from '@mllr/core';
import { locateWeights } from '../checkpoint/locate-weights.js';
import { findHubSnapshot, hubCacheDir, hubRepoFolder, type HubCacheDir, type HubSnapshot } from './hub-cache.js';
import { formatHubId, type HubId } from './hub-id.js';
import { planHubFiles } from './hub-files.js';

/** The Hub's address unless `HF_ENDPOINT` names a mirror, as in huggingface_hub. */
export const DEFAULT_HUB_URL = 'https://huggingface.co';

/** What a download reports while it runs. */
export type HubDownloadProgress =
  | { kind: 'start'; id: string; commit: string; files: number; bytes: number }
  /** `bytes` of `file` so far (reported at every tenth of it, and once when it is complete). */
  | { kind: 'file'; file: string; index: number; count: number; bytes: number; size: number; done: boolean }
  | { kind: 'done'; id: string; commit: string; dir: string };

/** Options of {@link downloadHubModel}. */
export interface HubDownloadOptions {
  cache?: HubCacheDir;
  /** Default: `HF_ENDPOINT`, else https://huggingface.co. */
  hubUrl?: string;
  /** Default: `HF_TOKEN` (gated and private models need one). */
  accessToken?: string;
  /** The fetch used for every request (tests pass a fake Hub; a proxy can be set here). */
  fetch?: typeof fetch;
  onProgress?: (event: HubDownloadProgress) => void;
  env?: NodeJS.ProcessEnv;
}

/**
 * Downloads what mllr needs of a model repo (config, generation settings, tokenizer and chat template files, the
 * safetensors weights; never pickle files) into the Hugging Face cache in its standard layout, with
 * @huggingface/hub: `blobs/<etag>`, `snapshots/<commit>/<file>` symlinks to them, and `refs/<revision>` holding
 * the commit, written last so an interrupted download never leaves a ref to a half snapshot. Python tools read the
 * same files. Files the snapshot already has are not fetched again.
 */
export async function downloadHubModel(id: HubId, options: HubDownloadOptions = {}): Promise<HubSnapshot> {
  const env = options.env ?? process.env;
  const cache = options.cache ?? hubCacheDir(env);
  const hubUrl = options.hubUrl ?? (env['HF_ENDPOINT'] || DEFAULT_HUB_URL);
  const accessToken = options.accessToken ?? (env['HF_TOKEN'] || undefined);
  const progress = options.onProgress ?? (() => undefined);
  const name = formatHubId(id);
  // huggingface_hub's switch for "never touch the network" is honoured here too.
  if (/^(1|on|yes|true)$/i.test(env['HF_HUB_OFFLINE'] ?? '')) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `${name} is not in the cache (${cache.dir}) and HF_HUB_OFFLINE is set, so it is not downloaded; unset HF_HUB_OFFLINE to download it`,
    );
  }
  const counter = byteCounter(options.fetch ?? globalThis.fetch);
  const common = { hubUrl, fetch: counter.fetch, ...(accessToken ? { accessToken } : {}) };

  // Loaded here, not at import: only a download pays for the library (about 80 ms here).
  const { downloadFileToCacheDir, listFiles, modelInfo, HubApiError } = await import('@huggingface/hub');
  const hubCall = <T>(name: string, hubUrl: string, call: () => Promise<T>) =>
    explainHubFailure(name, hubUrl, call, HubApiError);
  return quietly(async () => {
    const commit = await hubCall(name, hubUrl, async () =>
      id.isCommit
        ? id.revision
        : (await modelInfo({ ...common, name: id.repo, revision: id.revision, additionalFields: ['sha'] })).sha,
    );
    const sizes = new Map<string, number>();
    await hubCall(name, hubUrl, async () => {
      for await (const entry of listFiles({ ...common, repo: id.repo, revision: commit }))
        if (entry.type === 'file') sizes.set(entry.path, entry.size);
    });
    const plan = planHubFiles([...sizes.keys()]);
    if ('problem' in plan) throw new MllrError('CHECKPOINT_UNSUPPORTED', `${name} on ${hubUrl}: ${plan.problem}`);

    const snapshotDir = join(cache.dir, hubRepoFolder(id.repo), 'snapshots', commit);
    let files = plan.files;
    let count = files.length;
    const total = () => files.reduce((sum, f) => sum + (sizes.get(f) ?? 0), 0);
    progress({ kind: 'start', id: name, commit, files: count, bytes: total() });
    const fetchFile = async (file: string, index: number) => {
      const size = sizes.get(file) ?? 0;
      counter.track((bytes) => progress({ kind: 'file', file, index, count, bytes, size, done: false }), size);
      await hubCall(name, hubUrl, () =>
        downloadFileToCacheDir({ ...common, repo: id.repo, path: file, revision: commit, cacheDir: cache.dir }),
      );
      counter.track(undefined, 0);
      progress({ kind: 'file', file, index, count, bytes: size, size, done: true });
    };
    for (const [i, file] of files.entries()) await fetchFile(file, i + 1);
    if (plan.weights === 'index') {
      // The shards are the ones the index names, checked by the same reader that loads them.
      const shards = (await locateWeights(snapshotDir)).files.map((f) => basename(f.file));
      const missing = shards.filter((s) => !sizes.has(s));
      if (missing.length > 0)
        throw new MllrError(
          'CHECKPOINT_INVALID',
          `${name}@${commit}: the shard index names ${missing.join(', ')}, which the repo does not have`,
        );
      files = [...files, ...shards];
      count = files.length;
      progress({ kind: 'start', id: name, commit, files: count, bytes: total() });
      for (const [i, shard] of shards.entries()) await fetchFile(shard, plan.files.length + i + 1);
    }
    if (!id.isCommit) {
      const ref = join(cache.dir, hubRepoFolder(id.repo), 'refs', id.revision);
      await mkdir(dirname(ref), { recursive: true });
      await writeFileAtomic(ref, commit);
    }
    const found = findHubSnapshot(id, cache);
    if (!('snapshot' in found))
      throw new MllrError(
        'INTERNAL',
        `${name} was downloaded but is not in the cache: ${found.miss.looked.join('; ')}`,
      );
    progress({ kind: 'done', id: name, commit, dir: found.snapshot.dir });
    return found.snapshot;
  });
}

/** Runs a Hub request, turning its failures into messages that say what to do. */
async function explainHubFailure<T>(
  name: string,
  hubUrl: string,
  call: () => Promise<T>,
  HubApiError: new (...args: never[]) => Error & { statusCode: number },
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof MllrError) throw error;
    if (error instanceof HubApiError) {
      const status = error.statusCode;
      const hint =
        status === 401 || status === 403
          ? ': the model is gated or private; accept its terms on the Hub and set HF_TOKEN to a token that may read it'
          : status === 404
            ? ': no such model or revision on the Hub (check the id and the revision after @)'
            : '';
      throw new MllrError(
        'ARGUMENT_INVALID',
        `downloading ${name} from ${hubUrl} failed (HTTP ${status}${hint}): ${error.message}`,
        { cause: error },
      );
    }
    const cause =
      error instanceof Error
        ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}`
        : String(error);
    throw new MllrError(
      'ARGUMENT_INVALID',
      `downloading ${name} from ${hubUrl} failed: ${cause}; without a network, download it on a machine that has one and copy the cache folder`,
      {
        cause: error,
      },
    );
  }
}

/**
 * A fetch that counts the bytes of file bodies as they stream (the library reports none), for the file being
 * downloaded; the one-byte range probes the library sends first are not counted.
 */
function byteCounter(base: typeof fetch): {
  fetch: typeof fetch;
  track: (report: ((bytes: number) => void) | undefined, size: number) => void;
} {
  let report: ((bytes: number) => void) | undefined;
  let size = 0;
  let bytes = 0;
  let nextReport = 0;
  const counting: typeof fetch = async (input, init) => {
    const response = await base(input, init);
    const range = new Headers(init?.headers).get('range');
    const sink = report;
    if (!sink || !response.body || range === 'bytes=0-0' || (init?.method ?? 'GET') !== 'GET' || !response.ok)
      return response;
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          bytes += chunk.byteLength;
          if (bytes >= nextReport && bytes < size) {
            sink(bytes);
            nextReport = bytes + Math.max(1, Math.ceil(size / 10));
          }
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  return {
    fetch: counting,
    track(next, nextSize) {
      report = next;
      size = nextSize;
      bytes = 0;
      nextReport = Math.ceil(nextSize / 10);
    },
  };
}

/**
 * @huggingface/hub logs each file with console.debug/info (to stdout, where `--json` output goes); mllr reports
 * progress itself, so those two are silenced while a download runs and restored after.
 */
async function quietly<T>(run: () => Promise<T>): Promise<T> {
  const { debug, info } = console;
  console.debug = () => undefined;
  console.info = () => undefined;
  try {
    return await run();
  } finally {
    console.debug = debug;
    console.info = info;
  }
}
