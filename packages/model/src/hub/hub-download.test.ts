import { existsSync, lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MllrError } from '@mllr/core';
import { fakeHubFetch, type FakeRepo } from '../test-fixtures/fake-hub.js';
import { fakeCommit } from '../test-fixtures/hub-cache.js';
import { tempDir } from '../test-fixtures/tiny-model.js';
import { findHubSnapshot, type HubCacheDir } from './hub-cache.js';
import { downloadHubModel, type HubDownloadProgress } from './hub-download.js';
import { parseHubId } from './hub-id.js';

const HUB = 'https://hub.test';
const weights = new Uint8Array(2048).map((_, i) => i % 251);

function repo(files: Record<string, string | Uint8Array>, commit = fakeCommit('c1')): FakeRepo {
  return { refs: { main: commit }, commits: { [commit]: files } };
}

const modelFiles = {
  'config.json': '{"model_type":"llama"}',
  'generation_config.json': '{"eos_token_id":[1,2]}',
  'tokenizer.json': '{"version":"1.0"}',
  'tokenizer_config.json': '{"chat_template":"{{ x }}"}',
  'model.safetensors': weights,
  'pytorch_model.bin': 'pickle bytes',
  'README.md': '# card',
  'onnx/model.onnx': 'onnx bytes',
};

function cacheIn(dir: string): HubCacheDir {
  return { dir, from: 'HF_HUB_CACHE' };
}

describe('downloadHubModel (fake Hub through an injected fetch; no network)', () => {
  it('writes the needed files in the standard cache layout, ref last, and never fetches pickle or unrelated files', async () => {
    const cache = cacheIn(tempDir('mllr-hub-dl-'));
    const commit = fakeCommit('c1');
    const hub = fakeHubFetch({ 'org/name': repo(modelFiles, commit) });
    const events: HubDownloadProgress[] = [];
    const snapshot = await downloadHubModel(parseHubId('org/name')!, {
      cache,
      hubUrl: HUB,
      fetch: hub.fetch,
      onProgress: (e) => events.push(e),
      env: {},
    });

    const dir = join(cache.dir, 'models--org--name', 'snapshots', commit);
    expect(snapshot).toMatchObject({ id: 'org/name', commit, dir });
    expect(readFileSync(join(cache.dir, 'models--org--name', 'refs', 'main'), 'utf8')).toBe(commit);
    for (const file of [
      'config.json',
      'generation_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'model.safetensors',
    ]) {
      expect(lstatSync(join(dir, file)).isSymbolicLink()).toBe(true);
      expect(readlinkSync(join(dir, file))).toMatch(/^\.\.\/\.\.\/blobs\/[0-9a-f]+$/);
    }
    expect(new Uint8Array(readFileSync(join(dir, 'model.safetensors')))).toEqual(weights);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(modelFiles['config.json']);
    for (const file of ['pytorch_model.bin', 'README.md', 'onnx']) expect(existsSync(join(dir, file))).toBe(false);
    const fetched = hub.requests.filter((r) => r.path.includes('/resolve/')).map((r) => r.path);
    expect(fetched.some((p) => p.endsWith('.bin') || p.endsWith('.md') || p.endsWith('.onnx'))).toBe(false);
    // Every file is asked for at the repo's commit, so all of them land in one snapshot.
    expect(fetched.every((p) => p.includes(`/resolve/${commit}/`))).toBe(true);

    expect(events[0]).toEqual({ kind: 'start', id: 'org/name', commit, files: 5, bytes: expect.any(Number) });
    const done = events.filter((e) => e.kind === 'file' && e.done).map((e) => (e.kind === 'file' ? e.file : ''));
    expect(done).toEqual([
      'config.json',
      'generation_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'model.safetensors',
    ]);
    expect(events.at(-1)).toEqual({ kind: 'done', id: 'org/name', commit, dir });
    expect(findHubSnapshot(parseHubId('org/name')!, cache)).toEqual({ snapshot });
  });

  it('fetches nothing again for files the snapshot has', async () => {
    const cache = cacheIn(tempDir('mllr-hub-dl-'));
    const hub = fakeHubFetch({ 'org/name': repo(modelFiles) });
    await downloadHubModel(parseHubId('org/name')!, { cache, hubUrl: HUB, fetch: hub.fetch, env: {} });
    const again = fakeHubFetch({ 'org/name': repo(modelFiles) });
    await downloadHubModel(parseHubId('org/name')!, { cache, hubUrl: HUB, fetch: again.fetch, env: {} });
    expect(again.requests.filter((r) => r.path.includes('/resolve/') || r.path.includes('/paths-info/'))).toEqual([]);
  });

  it('downloads the shards a sharded index names, not other safetensors files; a commit id writes no ref', async () => {
    const cache = cacheIn(tempDir('mllr-hub-dl-'));
    const commit = fakeCommit('sharded');
    const index = {
      metadata: {},
      weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' },
    };
    const files = {
      'config.json': '{}',
      'model.safetensors.index.json': JSON.stringify(index),
      'model-00001-of-00002.safetensors': weights.slice(0, 100),
      'model-00002-of-00002.safetensors': weights.slice(100, 300),
      'consolidated.safetensors': weights,
    };
    const hub = fakeHubFetch({ 'org/sharded': { refs: {}, commits: { [commit]: files } } });
    const snapshot = await downloadHubModel(parseHubId(`org/sharded@${commit}`)!, {
      cache,
      hubUrl: HUB,
      fetch: hub.fetch,
      env: {},
    });
    for (const f of [
      'model.safetensors.index.json',
      'model-00001-of-00002.safetensors',
      'model-00002-of-00002.safetensors',
    ]) {
      expect(existsSync(join(snapshot.dir, f))).toBe(true);
    }
    expect(existsSync(join(snapshot.dir, 'consolidated.safetensors'))).toBe(false);
    expect(existsSync(join(cache.dir, 'models--org--sharded', 'refs'))).toBe(false);
  });

  it('refuses a repo with only pickle weights without downloading anything', async () => {
    const cache = cacheIn(tempDir('mllr-hub-dl-'));
    const hub = fakeHubFetch({ 'org/old': repo({ 'config.json': '{}', 'pytorch_model.bin': 'x' }) });
    const error = await downloadHubModel(parseHubId('org/old')!, {
      cache,
      hubUrl: HUB,
      fetch: hub.fetch,
      env: {},
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MllrError);
    expect((error as MllrError).code).toBe('CHECKPOINT_UNSUPPORTED');
    expect((error as MllrError).message).toContain('only pickle weights (pytorch_model.bin)');
    expect(hub.requests.some((r) => r.path.includes('/resolve/'))).toBe(false);
  });

  it('says what went wrong for an unknown model and without a network', async () => {
    const cache = cacheIn(tempDir('mllr-hub-dl-'));
    const hub = fakeHubFetch({});
    const unknown = (await downloadHubModel(parseHubId('org/none')!, {
      cache,
      hubUrl: HUB,
      fetch: hub.fetch,
      env: {},
    }).catch((e: unknown) => e)) as MllrError;
    expect(unknown).toMatchObject({ code: 'ARGUMENT_INVALID' });
    expect(unknown.message).toContain(
      `downloading org/none from ${HUB} failed (HTTP 404: no such model or revision on the Hub`,
    );

    const offline = (async () => {
      throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND hub.test') });
    }) as typeof fetch;
    const error = (await downloadHubModel(parseHubId('org/name')!, {
      cache,
      hubUrl: HUB,
      fetch: offline,
      env: {},
    }).catch((e: unknown) => e)) as MllrError;
    expect(error.message).toContain(
      `downloading org/name from ${HUB} failed: fetch failed (getaddrinfo ENOTFOUND hub.test)`,
    );
    expect(existsSync(join(cache.dir, 'models--org--name', 'refs'))).toBe(false);
  });

  it('downloads nothing under HF_HUB_OFFLINE', async () => {
    const cache = cacheIn(tempDir('mllr-hub-dl-'));
    const hub = fakeHubFetch({ 'org/name': repo(modelFiles) });
    const error = (await downloadHubModel(parseHubId('org/name')!, {
      cache,
      hubUrl: HUB,
      fetch: hub.fetch,
      env: { HF_HUB_OFFLINE: '1' },
    }).catch((e: unknown) => e)) as MllrError;
    expect(error).toMatchObject({
      code: 'ARGUMENT_INVALID',
      message: expect.stringContaining('HF_HUB_OFFLINE is set'),
    });
    expect(hub.requests).toEqual([]);
  });

  it('takes the endpoint and token from HF_ENDPOINT and HF_TOKEN', async () => {
    const cache = cacheIn(tempDir('mllr-hub-dl-'));
    const hub = fakeHubFetch({ 'org/name': repo(modelFiles) });
    const seen: Array<string | null> = [];
    const spy = ((input: string | URL | Request, init?: RequestInit) => {
      seen.push(new Headers(init?.headers).get('authorization'));
      expect(String(input)).toMatch(/^https:\/\/mirror\.test\//);
      return hub.fetch(String(input).replace('https://mirror.test', HUB), init);
    }) as typeof fetch;
    await downloadHubModel(parseHubId('org/name')!, {
      cache,
      fetch: spy,
      env: { HF_ENDPOINT: 'https://mirror.test', HF_TOKEN: 'hf_test' },
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((h) => h === 'Bearer hf_test')).toBe(true);
  });
});
