import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunConfigSchema, StoppedError, type EngineProvider, type MllrPluginModule } from '@mllr/core';
import { TINY_CHAT_DIR } from '@mllr/tiny-chat';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PLUGINS } from '../plugins/builtin-plugins.js';
import { PluginCatalog } from '../plugins/plugin-catalog.js';
import { finetuneSettings } from './finetune-settings.js';
import { runFinetune } from './run-finetune.js';

/** A plugin module whose engine provider infers only. */
const inferenceOnly: MllrPluginModule = {
  register(container, _options, info) {
    const provider: EngineProvider = {
      name: 'infer-only',
      device: async () => 'none',
      openInference: async () => {
        throw new Error('not used');
      },
    };
    container.register(info.token, { useValue: provider });
  },
};

const catalog = new PluginCatalog({
  inference: { 'infer-only': { summary: 'inference only', load: async () => inferenceOnly } },
  training: {
    'no-train': { summary: 'registered for training, but opens no training engine', load: async () => inferenceOnly },
  },
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'mllr-finetune-'));
  const data = join(dir, 'd.jsonl');
  writeFileSync(data, `${JSON.stringify({ ids: [1, 20, 21, 22], prompt_length: 1 })}\n`);
  const settings = finetuneSettings({ steps: 1 }, RunConfigSchema.parse({}));
  return { dir, base: { model: TINY_CHAT_DIR, data, out: join(dir, 'out'), settings, catalog, cwd: dir } };
}

describe('runFinetune engine selection', () => {
  it('says an engine that only infers cannot train, naming the engines that can, and leaves nothing behind', async () => {
    const { dir, base } = setup();
    await expect(runFinetune({ ...base, engine: { name: 'infer-only', options: {} } })).rejects.toMatchObject({
      code: 'ARGUMENT_INVALID',
      message:
        '--engine infer-only: the infer-only engine cannot train yet (it runs inference only); use --engine no-train',
    });
    await expect(runFinetune({ ...base, engine: { name: 'no-train', options: {} } })).rejects.toMatchObject({
      code: 'ARGUMENT_INVALID',
      message:
        '--engine infer-only: the infer-only engine cannot train (it opens no training engine); use another --engine',
    });
    await expect(runFinetune({ ...base, engine: { name: 'nothing', options: {} } })).rejects.toMatchObject({
      code: 'PLUGIN_UNKNOWN',
    });
    expect(existsSync(base.out)).toBe(false);
    expect(readdirSync(dir)).toEqual(['d.jsonl']);
  });

  it('a stop between steps leaves --out as it was and no staging folder behind', async () => {
    const { dir, base } = setup();
    let calls = 0;
    const steps: number[] = [];
    await expect(
      runFinetune({
        ...base,
        settings: { ...base.settings, steps: 3, batchSize: 1 },
        catalog: BUILTIN_PLUGINS,
        engine: { name: 'tfjs', options: {} },
        onStep: (s) => steps.push(s.step),
        throwIfStopped: () => {
          if (++calls === 2) throw new StoppedError('stopped');
        },
      }),
    ).rejects.toMatchObject({ code: 'STOPPED' });
    expect(steps).toEqual([1]);
    expect(readdirSync(dir)).toEqual(['d.jsonl']);
  });
});
