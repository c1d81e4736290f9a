import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MllrError } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PLUGINS } from '../plugins/builtin-plugins.js';
import { DEFAULT_CONFIG_PATH } from './default-config.js';
import { loadRunConfig, parseRunConfig } from './load-config.js';

function problemsOf(text: string, file = '/cfg/run.yaml'): MllrError {
  try {
    parseRunConfig(file, text, BUILTIN_PLUGINS);
  } catch (error) {
    return error as MllrError;
  }
  throw new Error('expected the config to be rejected');
}

describe('loadRunConfig', () => {
  it('reports three mistakes at once, each with its line and key path', () => {
    const error = problemsOf(['seed: -1', 'proxy: nosie', 'training:', '  lerning_rate: 0.1', ''].join('\n'));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('3 problems');
    const wheres = error.details.map((d) => d.where).sort();
    expect(wheres).toEqual([
      '/cfg/run.yaml:1:7 seed',
      '/cfg/run.yaml:2:8 proxy',
      '/cfg/run.yaml:4:3 training.lerning_rate',
    ]);
    const proxy = error.details.find((d) => d.where?.endsWith('proxy'))!;
    expect(proxy.message).toContain('unknown proxy plugin "nosie"; known: drift, ift, noise');
    expect(error.exitCode).toBe(2);
  });

  it('points into lists and object-form plugin references', () => {
    const error = problemsOf(
      ['strategies:', '  - id: ok', '    schedule: uniform', '  - id: Bad Id', '    schedule: { name: warp }', ''].join(
        '\n',
      ),
    );
    const byWhere = Object.fromEntries(error.details.map((d) => [d.where, d.message]));
    expect(Object.keys(byWhere).sort()).toEqual([
      '/cfg/run.yaml:4:9 strategies[1].id',
      '/cfg/run.yaml:5:23 strategies[1].schedule.name',
    ]);
    expect(byWhere['/cfg/run.yaml:5:23 strategies[1].schedule.name']).toContain('known: freeze, ml-lr, swat, uniform');
  });

  it('rejects a plugin reference with both name and module', () => {
    const error = problemsOf('search: { name: greedy, module: ./x.js }\n');
    expect(error.details).toHaveLength(1);
    expect(error.details[0]!.message).toContain('exactly one of `name`');
  });

  it('reads JSON with line numbers too', () => {
    const error = problemsOf('{\n  "seeds": 0\n}\n', '/cfg/run.json');
    expect(error.details.map((d) => d.where)).toEqual(['/cfg/run.json:2:12 seeds']);
  });

  it('names the file and position of a syntax error', () => {
    const error = problemsOf('seed: [1, 2\n');
    expect(error.code).toBe('CONFIG_PARSE');
    expect(error.details[0]!.where).toMatch(/^\/cfg\/run\.yaml:\d+:\d+$/);
  });

  it('fills defaults and parses the shipped default config', async () => {
    const loaded = await loadRunConfig(undefined, BUILTIN_PLUGINS);
    expect(loaded.file).toBe(DEFAULT_CONFIG_PATH);
    expect(loaded.config.strategies.map((s) => s.id)).toEqual(['uniform', 'ml-lr', 'swat', 'random-control']);
    expect(loaded.config.proxy).toEqual({ name: 'noise', options: {} });
    const empty = parseRunConfig('/cfg/empty.yaml', '', BUILTIN_PLUGINS);
    expect(empty.config).toEqual(loaded.config);
  });

  it('says plainly when the file is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-cfg-'));
    await expect(loadRunConfig(join(dir, 'nope.yaml'), BUILTIN_PLUGINS)).rejects.toMatchObject({
      code: 'CONFIG_NOT_FOUND',
      message: expect.stringContaining('no such file'),
    });
    writeFileSync(join(dir, 'list.yaml'), '- 1\n- 2\n');
    await expect(loadRunConfig(join(dir, 'list.yaml'), BUILTIN_PLUGINS)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('not a list'),
    });
  });
});
