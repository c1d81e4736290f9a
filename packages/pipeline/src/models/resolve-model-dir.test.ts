import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MllrError } from '@mllr/core';
import { SMALL_CHAT_DIR } from '@mllr/small-chat';
import { TINY_CHAT_DIR } from '@mllr/tiny-chat';
import { obtainModelSource, resolveModelDir, resolveModelSource } from './resolve-model-dir.js';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';

/** A cache with `org/name` at refs/main → COMMIT, its files symlinks into blobs/ (as huggingface_hub writes it). */
function cacheWith(repo: string, files: string[]): string {
  const cache = mkdtempSync(join(tmpdir(), 'mllr-resolve-'));
  const repoDir = join(cache, `models--${repo.replace('/', '--')}`);
  for (const [i, file] of files.entries()) {
    mkdirSync(join(repoDir, 'blobs'), { recursive: true });
    writeFileSync(join(repoDir, 'blobs', `blob${i}`), '{}');
    mkdirSync(join(repoDir, 'snapshots', COMMIT), { recursive: true });
    symlinkSync(`../../blobs/blob${i}`, join(repoDir, 'snapshots', COMMIT, file));
  }
  mkdirSync(join(repoDir, 'refs'), { recursive: true });
  writeFileSync(join(repoDir, 'refs', 'main'), COMMIT);
  return cache;
}

const snapshotOf = (cache: string, repo: string) =>
  join(cache, `models--${repo.replace('/', '--')}`, 'snapshots', COMMIT);

describe('resolveModelSource', () => {
  it('keeps tiny-chat and plain paths as they were', () => {
    expect(resolveModelDir('tiny-chat')).toBe(TINY_CHAT_DIR);
    expect(resolveModelSource('small-chat', '/base', {})).toEqual({ given: 'small-chat', dir: SMALL_CHAT_DIR });
    expect(resolveModelSource('/abs/model', '/base', {})).toEqual({ given: '/abs/model', dir: '/abs/model' });
    expect(resolveModelSource('a/b/c', '/base', {})).toEqual({ given: 'a/b/c', dir: '/base/a/b/c' });
    expect(resolveModelSource('./org/name', '/base', {})).toEqual({ given: './org/name', dir: '/base/org/name' });
  });

  it('never takes an embedded model name for a Hub id, even with download on', async () => {
    const fetch = (() => {
      throw new Error('no network');
    }) as unknown as typeof globalThis.fetch;
    await expect(obtainModelSource('small-chat', { download: true, fetch, env: {} })).resolves.toEqual({
      given: 'small-chat',
      dir: SMALL_CHAT_DIR,
    });
  });

  it('reads an org/name that is not a folder from the cache, with its commit', () => {
    const cache = cacheWith('org/name', ['config.json']);
    const base = mkdtempSync(join(tmpdir(), 'mllr-base-'));
    const source = resolveModelSource('org/name', base, { HF_HUB_CACHE: cache });
    expect(source).toMatchObject({
      given: 'org/name',
      dir: snapshotOf(cache, 'org/name'),
      hub: { repo: 'org/name', revision: 'main', commit: COMMIT },
    });
    // HF_HOME/hub is the cache when HF_HUB_CACHE is unset.
    const home = dirname(cache);
    expect(() => resolveModelSource('org/name', base, { HF_HOME: home })).toThrow(join(home, 'hub'));
  });

  it('prefers an existing local folder that looks like a Hub id', () => {
    const cache = cacheWith('models/foo', ['config.json']);
    const base = mkdtempSync(join(tmpdir(), 'mllr-base-'));
    // No ./models/foo: the cache's models/foo is used.
    expect(resolveModelSource('models/foo', base, { HF_HUB_CACHE: cache }).dir).toBe(snapshotOf(cache, 'models/foo'));
    mkdirSync(join(base, 'models', 'foo'), { recursive: true });
    expect(resolveModelSource('models/foo', base, { HF_HUB_CACHE: cache })).toEqual({
      given: 'models/foo',
      dir: join(base, 'models', 'foo'),
    });
  });

  it('names every place it looked and how to download for an absent id (exit 2)', () => {
    const cache = cacheWith('org/name', ['config.json']);
    const base = mkdtempSync(join(tmpdir(), 'mllr-base-'));
    let error: MllrError | undefined;
    try {
      resolveModelSource('org/other@v1', base, { HF_HUB_CACHE: cache }, 'model.download: true');
    } catch (e) {
      error = e as MllrError;
    }
    expect(error).toBeInstanceOf(MllrError);
    expect(error!.exitCode).toBe(2);
    expect(error!.message).toContain('model org/other@v1 is neither a local folder nor in the Hugging Face cache');
    expect(error!.message).toContain(`${join(base, 'org', 'other@v1')}: no such folder`);
    expect(error!.message).toContain(`${join(cache, 'models--org--other')}: no such folder`);
    expect(error!.message).toContain(
      'Download it with model.download: true, or with `huggingface-cli download org/other --revision v1`',
    );
  });
});

describe('obtainModelSource', () => {
  const noNetwork = (() => {
    throw new Error('the network was used');
  }) as unknown as typeof fetch;

  it('uses a complete snapshot without any request, even with download', async () => {
    const cache = cacheWith('org/name', ['config.json', 'model.safetensors']);
    const source = await obtainModelSource('org/name', {
      download: true,
      fetch: noNetwork,
      env: { HF_HUB_CACHE: cache },
    });
    expect(source.dir).toBe(snapshotOf(cache, 'org/name'));
  });

  it('downloads only when asked: without download an absent id is the cache error; with it, the download is tried', async () => {
    const cache = cacheWith('org/name', ['config.json']);
    await expect(obtainModelSource('org/none', { fetch: noNetwork, env: { HF_HUB_CACHE: cache } })).rejects.toThrow(
      'is neither a local folder nor in the Hugging Face cache',
    );
    const offline = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    // A snapshot without weights is completed by a download, which fails here for want of a network.
    await expect(
      obtainModelSource('org/name', {
        download: true,
        fetch: offline,
        env: { HF_HUB_CACHE: cache, HF_ENDPOINT: 'https://hub.test' },
      }),
    ).rejects.toThrow('downloading org/name from https://hub.test failed: fetch failed');
  });
});
