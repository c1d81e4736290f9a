import { lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeCommit, layOutHubCache } from '../test-fixtures/hub-cache.js';
import { tempDir } from '../test-fixtures/tiny-model.js';
import { findHubSnapshot, hubCacheDir, type HubCacheDir } from './hub-cache.js';
import { parseHubId } from './hub-id.js';

const id = (value: string) => parseHubId(value)!;

describe('hubCacheDir', () => {
  it('takes HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub', () => {
    expect(hubCacheDir({ HF_HUB_CACHE: '/a', HF_HOME: '/b' })).toEqual({ dir: '/a', from: 'HF_HUB_CACHE' });
    expect(hubCacheDir({ HF_HOME: '/b' })).toEqual({ dir: '/b/hub', from: 'HF_HOME' });
    expect(hubCacheDir({})).toEqual({ dir: join(homedir(), '.cache', 'huggingface', 'hub'), from: 'default' });
    expect(hubCacheDir({ XDG_CACHE_HOME: '/x' })).toEqual({ dir: '/x/huggingface/hub', from: 'default' });
    expect(hubCacheDir({ HF_HOME: '~/hf' }).dir).toBe(join(homedir(), 'hf', 'hub'));
  });
});

describe('findHubSnapshot', () => {
  const cacheAt = (dir: string): HubCacheDir => ({ dir, from: 'HF_HUB_CACHE' });

  it('follows refs/main to the snapshot, whose files are symlinks into blobs/', () => {
    const cache = tempDir('mllr-hub-');
    const commit = fakeCommit('main');
    const dir = layOutHubCache(cache, 'org/name', { 'config.json': '{"a":1}' }, { commit, revision: 'main' });
    const found = findHubSnapshot(id('org/name'), cacheAt(cache));
    expect(found).toEqual({
      snapshot: { id: 'org/name', repo: 'org/name', revision: 'main', commit, dir, cache: cacheAt(cache) },
    });
    expect(dir).toBe(join(cache, 'models--org--name', 'snapshots', commit));
    expect(lstatSync(join(dir, 'config.json')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe('{"a":1}');
  });

  it('reads another branch from its ref, and a commit hash straight from snapshots/', () => {
    const cache = tempDir('mllr-hub-');
    const main = fakeCommit('main');
    const dev = fakeCommit('dev');
    layOutHubCache(cache, 'org/name', { 'config.json': 'main' }, { commit: main, revision: 'main' });
    layOutHubCache(cache, 'org/name', { 'config.json': 'dev' }, { commit: dev, revision: 'refs/pr/1' });
    const pinned = fakeCommit('pinned');
    layOutHubCache(cache, 'org/name', { 'config.json': 'pinned' }, { commit: pinned, revision: undefined });
    const dirOf = (value: string) => {
      const found = findHubSnapshot(id(value), cacheAt(cache));
      return 'snapshot' in found
        ? readFileSync(join(found.snapshot.dir, 'config.json'), 'utf8')
        : found.miss.looked.join('\n');
    };
    expect(dirOf('org/name')).toBe('main');
    expect(dirOf('org/name@refs/pr/1')).toBe('dev');
    expect(dirOf(`org/name@${pinned}`)).toBe('pinned');
  });

  it('names each place it looked when the id is absent', () => {
    const missingCache = join(tempDir('mllr-hub-'), 'nowhere');
    const noCache = findHubSnapshot(id('org/name'), { dir: missingCache, from: 'default' });
    expect('miss' in noCache && noCache.miss.looked).toEqual([
      `${missingCache} (the cache, from the default; set HF_HUB_CACHE or HF_HOME to use another): no such folder`,
    ]);

    const cache = tempDir('mllr-hub-');
    mkdirSync(cache, { recursive: true });
    const noRepo = findHubSnapshot(id('org/other'), cacheAt(cache));
    expect('miss' in noRepo && noRepo.miss.looked).toEqual([`${join(cache, 'models--org--other')}: no such folder`]);

    const commit = fakeCommit('main');
    layOutHubCache(cache, 'org/name', { 'config.json': '{}' }, { commit, revision: 'main' });
    const noRef = findHubSnapshot(id('org/name@v2'), cacheAt(cache));
    expect('miss' in noRef && noRef.miss.looked).toEqual([
      `${join(cache, 'models--org--name', 'refs', 'v2')}: no such file (refs there: main)`,
    ]);

    const absent = 'b'.repeat(40);
    const noSnapshot = findHubSnapshot(id(`org/name@${absent}`), cacheAt(cache));
    expect('miss' in noSnapshot && noSnapshot.miss.looked).toEqual([
      `${join(cache, 'models--org--name', 'snapshots', absent)}: no such folder (snapshots there: ${commit})`,
    ]);

    writeFileSync(join(cache, 'models--org--name', 'refs', 'main'), 'not a hash');
    const badRef = findHubSnapshot(id('org/name'), cacheAt(cache));
    expect('miss' in badRef && badRef.miss.looked[0]).toContain('not a commit hash');
  });
});
