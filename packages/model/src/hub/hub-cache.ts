import { readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { formatHubId, type HubId } from './hub-id.js';

/** The Hugging Face cache folder in use and which setting chose it (for messages). */
export interface HubCacheDir {
  dir: string;
  /** `HF_HUB_CACHE`, `HF_HOME` or `default` (~/.cache/huggingface/hub). */
  from: 'HF_HUB_CACHE' | 'HF_HOME' | 'default';
}

/** A model snapshot found in (or downloaded to) the Hugging Face cache. */
export interface HubSnapshot {
  /** The id as the user wrote it (`org/name` or `org/name@rev`). */
  id: string;
  repo: string;
  revision: string;
  /** The commit the revision pointed at: the snapshot's folder name. */
  commit: string;
  /** `<cache>/models--org--name/snapshots/<commit>`: the model folder. */
  dir: string;
  cache: HubCacheDir;
}

/** Where a lookup looked and why it found nothing usable. */
export interface HubCacheMiss {
  /** Each path looked at, with what was (not) there. */
  looked: string[];
  cache: HubCacheDir;
}

/**
 * The cache huggingface_hub uses, by its rules: `HF_HUB_CACHE`, else `HF_HOME/hub`, else
 * `~/.cache/huggingface/hub` (XDG_CACHE_HOME is honoured through HF_HOME's default, as in huggingface_hub).
 */
export function hubCacheDir(env: NodeJS.ProcessEnv = process.env): HubCacheDir {
  if (env['HF_HUB_CACHE']) return { dir: expandHome(env['HF_HUB_CACHE']), from: 'HF_HUB_CACHE' };
  if (env['HF_HOME']) return { dir: join(expandHome(env['HF_HOME']), 'hub'), from: 'HF_HOME' };
  const xdg = env['XDG_CACHE_HOME'] ? expandHome(env['XDG_CACHE_HOME']) : join(homedir(), '.cache');
  return { dir: join(xdg, 'huggingface', 'hub'), from: 'default' };
}

/** `models--org--name`: a model repo's folder in the cache. */
export function hubRepoFolder(repo: string): string {
  return `models--${repo.split('/').join('--')}`;
}

/**
 * Finds `id` in the cache without touching the network: `refs/<revision>` holds the commit of a branch or tag, a
 * commit hash names its snapshot directly, and `snapshots/<commit>/` is the model folder (its files are usually
 * symlinks into `blobs/`, which every reader follows). A miss says each place it looked.
 */
export function findHubSnapshot(
  id: HubId,
  cache: HubCacheDir = hubCacheDir(),
): { snapshot: HubSnapshot } | { miss: HubCacheMiss } {
  const repoDir = join(cache.dir, hubRepoFolder(id.repo));
  const looked: string[] = [];
  const miss = () => ({ miss: { looked, cache } });
  if (!isDir(cache.dir)) {
    looked.push(`${cache.dir} (the cache, from ${cacheSource(cache)}): no such folder`);
    return miss();
  }
  if (!isDir(repoDir)) {
    looked.push(`${repoDir}: no such folder`);
    return miss();
  }
  let commit = id.revision;
  if (!id.isCommit) {
    const ref = join(repoDir, 'refs', id.revision);
    const text = readText(ref);
    if (text === undefined) {
      const refs = listNames(join(repoDir, 'refs'), true);
      looked.push(`${ref}: no such file${refs.length > 0 ? ` (refs there: ${refs.join(', ')})` : ''}`);
      return miss();
    }
    commit = text.trim();
    if (!/^[0-9a-f]{40}$/.test(commit)) {
      looked.push(`${ref}: holds ${JSON.stringify(commit.slice(0, 60))}, not a commit hash`);
      return miss();
    }
  }
  const dir = join(repoDir, 'snapshots', commit);
  if (!isDir(dir)) {
    const snapshots = listNames(join(repoDir, 'snapshots'), false);
    looked.push(`${dir}: no such folder${snapshots.length > 0 ? ` (snapshots there: ${snapshots.join(', ')})` : ''}`);
    return miss();
  }
  return { snapshot: { id: formatHubId(id), repo: id.repo, revision: id.revision, commit, dir, cache } };
}

/** How the cache folder was chosen, for messages. */
export function cacheSource(cache: HubCacheDir): string {
  return cache.from === 'default' ? 'the default; set HF_HUB_CACHE or HF_HOME to use another' : cache.from;
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The names under `dir`: its files, recursively (refs may be `refs/pr/1`), or its direct entries. */
function listNames(dir: string, recursive: boolean): string[] {
  try {
    const entries = readdirSync(dir, { recursive, withFileTypes: true });
    return entries
      .filter((e) => !recursive || e.isFile())
      .map((e) => relative(dir, join(e.parentPath, e.name)))
      .sort();
  } catch {
    return [];
  }
}
