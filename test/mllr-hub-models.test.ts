import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TINY_CHAT_DIR } from '@mllr/tiny-chat';
import { beforeAll, describe, expect, it } from 'vitest';
import { runMllr } from './mllr-cli.js';
import { fakeCommit, folderFiles, layOutHubCache, startFakeHub } from './support/hub-cache.js';

// Hub ids (`org/name[@revision]`) for --model, read from a Hugging Face cache this test lays out on disk; the
// download runs against a local fake Hub (HF_ENDPOINT), never the network.
describe('mllr with Hub ids from the local Hugging Face cache', () => {
  let cache: string;
  let cwd: string;
  const main = fakeCommit('main');
  const v1 = fakeCommit('v1');
  const pinned = fakeCommit('pinned');
  let snapshot: string;

  /** The environment of a child mllr: this cache, no token or mirror from the machine. */
  function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const { HF_TOKEN: _token, HF_ENDPOINT: _endpoint, HF_HOME: _home, ...rest } = process.env;
    return { ...rest, HF_HUB_CACHE: cache, ...extra };
  }

  beforeAll(() => {
    cache = mkdtempSync(join(tmpdir(), 'mllr-hub-cache-'));
    cwd = mkdtempSync(join(tmpdir(), 'mllr-hub-cwd-'));
    const files = folderFiles(TINY_CHAT_DIR);
    layOutHubCache(cache, 'org/tiny', files, v1, 'v1');
    layOutHubCache(cache, 'org/tiny', files, pinned, undefined);
    snapshot = layOutHubCache(cache, 'org/tiny', files, main, 'main');
  });

  it('inspect --model org/name reads refs/main → snapshots/<commit>/ (symlinked blobs) and says where it resolved to', async () => {
    expect(lstatSync(join(snapshot, 'model.safetensors')).isSymbolicLink()).toBe(true);
    const json = await runMllr(['inspect', '--model', 'org/tiny', '--json'], { cwd, env: env() });
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const shown = JSON.parse(json.stdout);
    expect(shown.model).toBe(snapshot);
    expect(shown.hub).toEqual({ id: 'org/tiny', repo: 'org/tiny', revision: 'main', commit: main, folder: snapshot });
    const embedded = JSON.parse(
      (await runMllr(['inspect', '--model', 'tiny-chat', '--json'], { cwd, env: env() })).stdout,
    );
    expect(shown.parameters).toBe(embedded.parameters);
    expect(shown.architecture).toEqual(embedded.architecture);

    const text = await runMllr(['inspect', '--model', 'org/tiny'], { cwd, env: env() });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`model        ${snapshot} (llama)`);
    expect(text.stdout).toContain(`hub id       org/tiny → commit ${main}, from the Hugging Face cache`);
  });

  it('org/name@revision follows that ref, and a commit hash names its snapshot directly', async () => {
    for (const [id, commit] of [
      ['org/tiny@v1', v1],
      [`org/tiny@${pinned}`, pinned],
    ] as const) {
      const result = await runMllr(['inspect', '--model', id, '--json'], { cwd, env: env() });
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).hub).toMatchObject({
        id,
        commit,
        folder: join(cache, 'models--org--tiny', 'snapshots', commit),
      });
    }
  });

  it('an absent id exits 2 naming every place it looked and how to download it', async () => {
    const result = await runMllr(['inspect', '--model', 'org/absent@v2'], { cwd, env: env() });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('model org/absent@v2 is neither a local folder nor in the Hugging Face cache');
    expect(result.stderr).toContain(`${join(cwd, 'org', 'absent@v2')}: no such folder`);
    expect(result.stderr).toContain(`${join(cache, 'models--org--absent')}: no such folder`);
    expect(result.stderr).toContain(
      'Download it with --download, or with `huggingface-cli download org/absent --revision v2`',
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);

    // A known repo without that ref lists the refs it has.
    const noRef = await runMllr(['generate', '--model', 'org/tiny@v9', '--ids', '1', '--max-new-tokens', '1'], {
      cwd,
      env: env(),
    });
    expect(noRef.code).toBe(2);
    expect(noRef.stderr).toContain(
      `${join(cache, 'models--org--tiny', 'refs', 'v9')}: no such file (refs there: main, v1)`,
    );
  });

  it('an existing local folder wins over a Hub id of the same name', async () => {
    const local = join(cwd, 'shadow', 'tiny');
    mkdirSync(join(cwd, 'shadow'), { recursive: true });
    cpSync(TINY_CHAT_DIR, local, { recursive: true });
    layOutHubCache(cache, 'shadow/tiny', folderFiles(TINY_CHAT_DIR), main, 'main');
    const shown = JSON.parse(
      (await runMllr(['inspect', '--model', 'shadow/tiny', '--json'], { cwd, env: env() })).stdout,
    );
    expect(shown.model).toBe(local);
    expect(shown).not.toHaveProperty('hub');
  });

  it('generate, eval and finetune take the id too; eval.json and finetune.json record the id, commit and folder', async () => {
    const fromHub = await runMllr(
      ['generate', '--model', 'org/tiny', '--ids', '1,2,3', '--max-new-tokens', '6', '--json'],
      { cwd, env: env() },
    );
    const embedded = await runMllr(
      ['generate', '--model', 'tiny-chat', '--ids', '1,2,3', '--max-new-tokens', '6', '--json'],
      { cwd, env: env() },
    );
    expect(fromHub.code).toBe(0);
    expect(JSON.parse(fromHub.stdout)).toEqual(JSON.parse(embedded.stdout));

    // eval: eval.json records the id and commit, and the generations file takes the repo's name, not the commit's.
    const evalOut = join(cwd, 'eval-out');
    const evaluated = await runMllr(
      [
        'eval',
        '--model',
        'org/tiny',
        '--config',
        resolve(import.meta.dirname, 'fixtures/eval-small.yaml'),
        '--out',
        evalOut,
        '--json',
      ],
      { cwd, env: env() },
    );
    expect(evaluated.code).toBe(0);
    expect(Object.keys(JSON.parse(evaluated.stdout))).toEqual(['model', 'metrics', 'counts']);
    expect(JSON.parse(readFileSync(join(evalOut, 'eval.json'), 'utf8')).hub).toEqual({
      id: 'org/tiny',
      repo: 'org/tiny',
      revision: 'main',
      commit: main,
      folder: snapshot,
    });
    expect(existsSync(join(evalOut, 'eval', 'tiny.jsonl'))).toBe(true);

    const data = join(cwd, 'data.jsonl');
    writeFileSync(data, `${JSON.stringify({ ids: [1, 5, 6, 7, 2], prompt_length: 2 })}\n`);
    const out = join(cwd, 'tuned');
    const tuned = await runMllr(
      [
        'finetune',
        '--model',
        'org/tiny@v1',
        '--data',
        data,
        '--out',
        out,
        '--steps',
        '1',
        '--batch-size',
        '1',
        '--json',
      ],
      { cwd, env: env() },
    );
    expect(tuned.stderr).toBe('');
    expect(tuned.code).toBe(0);
    const record = JSON.parse(readFileSync(join(out, 'finetune.json'), 'utf8'));
    const folder = join(cache, 'models--org--tiny', 'snapshots', v1);
    expect(record.base_model).toBe(folder);
    expect(record.base_model_hub).toEqual({ id: 'org/tiny@v1', repo: 'org/tiny', revision: 'v1', commit: v1, folder });
  });

  it('--download fetches the model into the standard cache layout (fake Hub over HF_ENDPOINT), then works offline', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'mllr-hub-fresh-'));
    const commit = fakeCommit('remote');
    const files: Record<string, Buffer> = {
      ...folderFiles(TINY_CHAT_DIR),
      'pytorch_model.bin': Buffer.from('pickle'),
      'README.md': Buffer.from('# card'),
    };
    const hub = await startFakeHub('org/remote', commit, files);
    try {
      const offline = await runMllr(['inspect', '--model', 'org/remote', '--json'], {
        cwd,
        env: env({ HF_HUB_CACHE: fresh, HF_ENDPOINT: hub.url }),
      });
      expect(offline.code).toBe(2);
      expect(hub.requests).toEqual([]);

      const result = await runMllr(['inspect', '--model', 'org/remote', '--download', '--json'], {
        cwd,
        env: env({ HF_HUB_CACHE: fresh, HF_ENDPOINT: hub.url }),
      });
      expect(result.code).toBe(0);
      const dir = join(fresh, 'models--org--remote', 'snapshots', commit);
      expect(JSON.parse(result.stdout)).toMatchObject({ model: dir, hub: { id: 'org/remote', commit } });
      expect(readFileSync(join(fresh, 'models--org--remote', 'refs', 'main'), 'utf8')).toBe(commit);
      expect(lstatSync(join(dir, 'model.safetensors')).isSymbolicLink()).toBe(true);
      // Buffer.equals: a deep toEqual over megabytes takes vitest most of a minute.
      expect(readFileSync(join(dir, 'model.safetensors')).equals(files['model.safetensors']!)).toBe(true);
      expect(existsSync(join(dir, 'pytorch_model.bin'))).toBe(false);
      expect(hub.requests.some((r) => r.endsWith('.bin') || r.endsWith('.md'))).toBe(false);
      expect(result.stderr).toContain(`mllr: downloading org/remote at commit ${commit.slice(0, 12)}:`);
      expect(result.stderr).toMatch(/mllr: model\.safetensors \(\d+\/\d+, [\d.]+ (KiB|MiB)\)/);
      expect(result.stderr).toContain(`mllr: org/remote is in ${dir}`);
    } finally {
      hub.server.close();
    }
    const again = await runMllr(['inspect', '--model', 'org/remote', '--download', '--json'], {
      cwd,
      env: env({ HF_HUB_CACHE: fresh, HF_ENDPOINT: hub.url }),
    });
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
  });

  it('mllr run: model.path takes an id (model.download: true fetches it first, in the log) and base.json and summary.json record its commit', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'mllr-hub-run-'));
    const commit = fakeCommit('run');
    const config = join(cwd, 'hub-run.yaml');
    const settings = [
      'proxy: { name: noise, options: { repeats: 1 } }',
      'search: { name: greedy, options: { maxModules: 2 } }',
      'strategies: [{ id: uniform, schedule: { name: uniform, options: {} } }]',
      'training: { steps: 2 }',
      'data: { eval_size: 8 }',
    ];
    writeFileSync(config, ['model: { path: org/remote }', ...settings].join('\n'));
    const absent = await runMllr(['run', '--headless', '--config', config, '--out', join(cwd, 'absent-run')], {
      cwd,
      env: env({ HF_HUB_CACHE: fresh }),
    });
    expect(absent.code).toBe(2);
    expect(absent.stderr + absent.stdout).toContain('model.path');
    expect(absent.stderr + absent.stdout).toContain('Download it with model.download: true in the config');
    expect(existsSync(join(cwd, 'absent-run'))).toBe(false);

    writeFileSync(config, ['model: { path: org/remote, download: true }', ...settings].join('\n'));
    const hub = await startFakeHub('org/remote', commit, folderFiles(TINY_CHAT_DIR));
    const out = join(cwd, 'hub-run');
    try {
      const result = await runMllr(['run', '--headless', '--config', config, '--out', out], {
        cwd,
        env: env({ HF_HUB_CACHE: fresh, HF_ENDPOINT: hub.url }),
      });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`downloading org/remote at commit ${commit.slice(0, 12)}`);
    } finally {
      hub.server.close();
    }
    const folder = join(fresh, 'models--org--remote', 'snapshots', commit);
    const record = { id: 'org/remote', repo: 'org/remote', revision: 'main', commit, folder };
    expect(JSON.parse(readFileSync(join(out, 'base.json'), 'utf8'))).toMatchObject({ model: folder, hub: record });
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.base_model).toBe(folder);
    expect(summary.base_model_hub).toEqual(record);

    // The branch moves on; extending the finished run (one more seed) keeps the commit it started with: the base,
    // probe and robustness results and the finished fine-tuning run stay, and nothing is recomputed on other weights.
    const moved = fakeCommit('moved');
    layOutHubCache(fresh, 'org/remote', folderFiles(TINY_CHAT_DIR), moved, 'main');
    const extended = await runMllr(['run', '--headless', '--config', config, '--out', out, '--seeds', '2'], {
      cwd,
      env: env({ HF_HUB_CACHE: fresh }),
    });
    expect(extended.stderr).toBe('');
    expect(extended.code).toBe(0);
    for (const stage of ['base', 'proxy', 'robustness']) expect(extended.stdout).toMatch(new RegExp(` ${stage} +skip`));
    expect(extended.stdout).toContain('uniform: finished before, kept');
    expect(JSON.parse(readFileSync(join(out, 'base.json'), 'utf8')).hub.commit).toBe(commit);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).base_model_hub).toEqual(record);
  });
});
