import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StageSet } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PLUGINS } from '../plugins/builtin-plugins.js';
import { parseRunConfig } from './load-config.js';
import { preflightRun } from './preflight.js';

const stageSet = (preflight?: StageSet['preflight']): StageSet => ({
  name: 'test',
  stages: [],
  ...(preflight ? { preflight } : {}),
});

describe('preflightRun', () => {
  it('passes a config whose plugins load with valid options and whose stage set finds nothing wrong', async () => {
    const loaded = parseRunConfig('/c/run.yaml', 'proxy: { name: noise, options: { repeats: 2 } }\n', BUILTIN_PLUGINS);
    await expect(
      preflightRun(
        loaded,
        loaded.config,
        BUILTIN_PLUGINS,
        stageSet(async () => []),
      ),
    ).resolves.toBeUndefined();
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
      stageSet(async () => [
        { path: ['model', 'path'], message: 'the model folder is not there', code: 'CHECKPOINT_INVALID' },
      ]),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'CONFIG_INVALID',
      message: `config ${file} has 3 problems found before the run started (no run folder was made):`,
    });
    expect((error as { details: unknown }).details).toEqual([
      { where: `${file}:1:43 proxy.options.repeats`, message: expect.stringMatching(/>0|greater than 0|positive/i) },
      { where: `${file}:3:8 judge`, message: `plugin module ${join(dir, 'missing-judge.mjs')} does not exist` },
      { where: `${file}:4:16 model.path`, message: 'the model folder is not there' },
    ]);
  });

  it('checks a swept option at every value, as the variant schedules get it, at the sweep', async () => {
    const text = [
      'strategies:',
      '  - { id: ml-lr, schedule: ml-lr, sweep: { alpha: [0.1, 2] } }',
      '  - { id: uniform, schedule: uniform, sweep: { alhpa: [0.5] } }',
      '  - { id: fine, schedule: uniform, sweep: { lrScale: [0.5, 1] } }',
      '',
    ].join('\n');
    const loaded = parseRunConfig('/c/run.yaml', text, BUILTIN_PLUGINS);
    const error = await preflightRun(loaded, loaded.config, BUILTIN_PLUGINS, stageSet()).catch((e: unknown) => e);
    expect((error as { details: Array<{ where: string; message: string }> }).details).toEqual([
      { where: '/c/run.yaml:2:51 strategies[0].sweep.alpha', message: expect.stringMatching(/^2: .*1/) },
      { where: '/c/run.yaml:3:55 strategies[1].sweep.alhpa', message: expect.stringMatching(/^0.5: .*alhpa/) },
    ]);
  });

  it('requires comparisons between two configured strategies', async () => {
    const text = [
      'strategies: [{ id: ml-lr, schedule: ml-lr }, { id: uniform, schedule: uniform }]',
      'comparisons:',
      '  - { strategy: ml-lr, control: random-control }',
      '  - { strategy: uniform, control: uniform }',
      '',
    ].join('\n');
    const loaded = parseRunConfig('/c/run.yaml', text, BUILTIN_PLUGINS);
    const error = await preflightRun(loaded, loaded.config, BUILTIN_PLUGINS, stageSet()).catch((e: unknown) => e);
    expect((error as { details: Array<{ where: string; message: string }> }).details).toEqual([
      {
        where: '/c/run.yaml:3:33 comparisons[0].control',
        message: 'no strategy has the id "random-control"; strategies: ml-lr, uniform',
      },
      {
        where: '/c/run.yaml:4:35 comparisons[1].control',
        message: 'compare a strategy with another one, not with itself',
      },
    ]);
  });
});
