import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StageSet } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PLUGINS } from '../plugins/builtin-plugins.js';
import { parseRunConfig } from './load-config.js';
import { preflightRun } from './preflight.js';

const stageSet = (preflight?: StageSet['preflight']): StageSet => ({ name: 'test', stages: [], ...(preflight ? { preflight } : {}) });

describe('preflightRun', () => {
  it('passes a config whose plugins load with valid options and whose stage set finds nothing wrong', async () => {
    const loaded = parseRunConfig('/c/run.yaml', 'proxy: { name: noise, options: { repeats: 2 } }\n', BUILTIN_PLUGINS);
    await expect(preflightRun(loaded, loaded.config, BUILTIN_PLUGINS, stageSet(async () => []))).resolves.toBeUndefined();
  });

  it("lists plugin options a plugin's schema refuses, a module that is not there and the stage set's problems, all at once", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-preflight-'));
    const file = join(dir, 'run.yaml');
    const text = [
      'proxy: { name: noise, options: { repeats: 0 } }',
      'search: { name: greedy, options: { maxModules: 4 } }',
      'judge: { module: ./missing-judge.mjs }',
      'model: { path: ./nowhere }',
      '',
    ].join('\n');
    writeFileSync(file, text);
    const loaded = parseRunConfig(file, text, BUILTIN_PLUGINS);
    const error = await preflightRun(
      loaded,
      loaded.config,
      BUILTIN_PLUGINS,
      stageSet(async () => [{ path: ['model', 'path'], message: 'the model folder is not there', code: 'CHECKPOINT_INVALID' }]),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', message: `config ${file} has 3 problems found before the run started (no run folder was made):` });
    expect((error as { details: unknown }).details).toEqual([
      { where: `${file}:1:43 proxy.options.repeats`, message: expect.stringMatching(/>0|greater than 0|positive/i) },
      { where: `${file}:3:8 judge`, message: `plugin module ${join(dir, 'missing-judge.mjs')} does not exist` },
      { where: `${file}:4:16 model.path`, message: 'the model folder is not there' },
    ]);
  });
});
