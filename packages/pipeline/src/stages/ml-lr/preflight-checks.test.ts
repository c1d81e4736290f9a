import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunConfigSchema, type RunConfigInput } from '@mllr/core';
import { TINY_CHAT_DIR } from '@mllr/tiny-chat';
import { describe, expect, it } from 'vitest';
import { preflightError } from '../../config/preflight.js';
import { dataProblems, modelProblems } from './preflight-checks.js';

const FIXTURES = fileURLToPath(new URL('../../test-fixtures/data/', import.meta.url));
const config = (input: RunConfigInput) => RunConfigSchema.parse(input);

describe('modelProblems', () => {
  it('reads a Hub id from the cache (symlinked files), and names the places it looked for one that is absent', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'mllr-preflight-hub-'));
    const commit = 'c'.repeat(40);
    const repo = join(cache, 'models--org--tiny');
    mkdirSync(join(repo, 'snapshots', commit), { recursive: true });
    mkdirSync(join(repo, 'blobs'));
    for (const file of readdirSync(TINY_CHAT_DIR).filter((f) => statSync(join(TINY_CHAT_DIR, f)).isFile())) {
      cpSync(join(TINY_CHAT_DIR, file), join(repo, 'blobs', `blob-${file}`));
      symlinkSync(`../../blobs/blob-${file}`, join(repo, 'snapshots', commit, file));
    }
    mkdirSync(join(repo, 'refs'));
    writeFileSync(join(repo, 'refs', 'main'), commit);
    const saved = process.env['HF_HUB_CACHE'];
    process.env['HF_HUB_CACHE'] = cache;
    try {
      const dir = mkdtempSync(join(tmpdir(), 'mllr-preflight-'));
      expect(await modelProblems(config({ model: { path: 'org/tiny' } }), dir)).toEqual([]);
      expect(await modelProblems(config({ model: { path: `org/tiny@${commit}` } }), dir)).toEqual([]);
      const problems = await modelProblems(config({ model: { path: 'org/absent' } }), dir);
      expect(problems).toEqual([
        {
          path: ['model', 'path'],
          code: 'ARGUMENT_INVALID',
          message: expect.stringContaining(`${join(cache, 'models--org--absent')}: no such folder`),
        },
      ]);
      expect(problems[0]!.message).toContain(
        'Download it with model.download: true in the config, or with `huggingface-cli download org/absent`',
      );
    } finally {
      if (saved === undefined) delete process.env['HF_HUB_CACHE'];
      else process.env['HF_HUB_CACHE'] = saved;
    }
  });

  it('accepts tiny-chat and a copy of it, and needs nothing when the run pretrains its own model', async () => {
    expect(await modelProblems(config({}), '/')).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'mllr-preflight-'));
    cpSync(TINY_CHAT_DIR, join(dir, 'copy'), { recursive: true });
    expect(await modelProblems(config({ model: { path: 'copy' } }), dir)).toEqual([]);
    expect(await modelProblems(config({ model: { pretrain: { data: [{ path: 'x.json' }] } } }), dir)).toEqual([]);
  });

  it('names a missing folder once, and every missing part of a folder that exists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-preflight-'));
    expect(await modelProblems(config({ model: { path: 'nowhere' } }), dir)).toEqual([
      {
        path: ['model', 'path'],
        message: `the model folder ${join(dir, 'nowhere')} does not exist`,
        code: 'CHECKPOINT_INVALID',
      },
    ]);
    mkdirSync(join(dir, 'empty'));
    const problems = await modelProblems(config({ model: { path: 'empty' } }), dir);
    expect(problems.map((p) => p.path)).toEqual([
      ['model', 'path'],
      ['model', 'path'],
      ['model', 'path'],
    ]);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringContaining('config.json'),
      expect.stringContaining('no model.safetensors or model.safetensors.index.json'),
      expect.stringContaining('tokenizer.json'),
    ]);

    // Weights and config but a tokenizer without a chat template: the stages could not render a prompt.
    cpSync(TINY_CHAT_DIR, join(dir, 'no-template'), { recursive: true });
    rmSync(join(dir, 'no-template', 'tokenizer_config.json'), { force: true });
    rmSync(join(dir, 'no-template', 'chat_template.jinja'), { force: true });
    expect(await modelProblems(config({ model: { path: 'no-template' } }), dir)).toEqual([
      expect.objectContaining({
        path: ['model', 'path'],
        message: expect.stringContaining('has no chat template'),
        code: 'CHECKPOINT_UNSUPPORTED',
      }),
    ]);
  });
});

describe('dataProblems', () => {
  it('lists every unusable source at its key path: unknown preset, missing file, unsupported extension', async () => {
    const problems = await dataProblems(
      config({
        data: {
          ift: { path: 'benign.json', preset: 'alpacca' },
          probe: {
            harmful: [{ path: 'harmful.csv', preset: 'advbench' }],
            benign: [{ path: 'gone.json', preset: 'alpaca' }],
          },
          usability_eval: [{ path: 'benign.json', preset: 'alpaca' }, { path: 'notes.txt' }],
        },
      }),
      FIXTURES,
    );
    expect(problems).toEqual([
      {
        path: ['data', 'ift'],
        message: expect.stringMatching(/benign\.json: unknown preset "alpacca"; known presets: /),
        code: 'DATA_INVALID',
      },
      {
        path: ['data', 'probe', 'benign', 0],
        message: `${join(FIXTURES, 'gone.json')}: file not found`,
        code: 'DATA_INVALID',
      },
      {
        path: ['data', 'usability_eval', 1],
        message: expect.stringContaining('notes.txt: has the unsupported extension ".txt"'),
        code: 'DATA_INVALID',
      },
    ]);
  });

  it('names a missing data folder once, at data.dir when the config sets it, and still checks the presets', async () => {
    const sources = {
      ift: { path: 'a.json' },
      harmful_eval: [{ path: 'b.csv' }, { path: 'c.csv', preset: 'advbenchh' }],
    };
    const missing = join(tmpdir(), 'mllr-no-such-data-folder');
    expect(await dataProblems(config({ data: { dir: missing, ...sources } }), missing)).toEqual([
      {
        path: ['data', 'dir'],
        message: expect.stringContaining(`the data folder ${missing} does not exist`),
        code: 'DATA_INVALID',
      },
      {
        path: ['data', 'harmful_eval', 1],
        message: expect.stringContaining('c.csv: unknown preset "advbenchh"'),
        code: 'DATA_INVALID',
      },
    ]);
    expect((await dataProblems(config({ data: sources }), missing)).map((p) => p.path)).toEqual([
      ['data', 'ift'],
      ['data', 'harmful_eval', 1],
    ]);
  });
});

describe('preflightError', () => {
  it('is one error with a line per problem at file:line:col and key path, in the problems’ shared code or CONFIG_INVALID', () => {
    const text = 'model:\n  path: ./nowhere\ndata:\n  ift: { path: a.json, preset: alpacca }\n';
    const error = preflightError({ file: '/c/run.yaml', text }, [
      { path: ['model', 'path'], message: 'the model folder /c/nowhere does not exist', code: 'CHECKPOINT_INVALID' },
      { path: ['data', 'ift'], message: 'a.json: unknown preset "alpacca"', code: 'DATA_INVALID' },
    ]);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      'config /c/run.yaml has 2 problems found before the run started (no run folder was made):',
    );
    expect(error.details).toEqual([
      { where: '/c/run.yaml:2:9 model.path', message: 'the model folder /c/nowhere does not exist' },
      { where: '/c/run.yaml:4:8 data.ift', message: 'a.json: unknown preset "alpacca"' },
    ]);
    const one = preflightError({ file: '/c/run.yaml', text }, [
      { path: ['data', 'ift'], message: 'x', code: 'DATA_INVALID' },
    ]);
    expect(one.code).toBe('DATA_INVALID');
    expect(one.message).toContain('has a problem found');
  });
});
