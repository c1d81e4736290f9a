import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunConfigSchema, resourceScope, rootContainer, type RunConfig, type RunEvent, type Stage } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PLUGINS } from '../plugins/builtin-plugins.js';
import { createRunContainer } from '../plugins/composition-root.js';
import { FsRunStore } from './fs-run-store.js';
import { RunEventSink } from './run-event-sink.js';
import { StageRunner } from './stage-runner.js';

function counter(name: string, runs: string[], inputs?: (c: RunConfig) => unknown): Stage {
  return {
    name,
    ...(inputs ? { hashInputs: inputs } : {}),
    async run(ctx) {
      runs.push(name);
      await ctx.store.writeJson(`${name}.json`, { seed: ctx.config.seed });
    },
  };
}

function setup() {
  const store = new FsRunStore(mkdtempSync(join(tmpdir(), 'mllr-stages-')));
  const events: RunEvent[] = [];
  const run = (config: RunConfig, stages: Stage[], force = false) =>
    new StageRunner({
      config,
      store,
      container: rootContainer.createChildContainer(),
      events: new RunEventSink((e) => events.push(e)),
      signal: new AbortController().signal,
      force,
    }).run(stages);
  const statuses = () => events.filter((e) => e.type === 'stage').map((e) => `${e.stage}:${e.status}`);
  return { store, events, run, statuses };
}

describe('StageRunner', () => {
  const config = RunConfigSchema.parse({});

  it('gives a stage the same resume key until its inputs change, and none under --force', async () => {
    const { run } = setup();
    const keys: Array<string | undefined> = [];
    const failing = (fail: boolean): Stage => ({
      name: 'half',
      hashInputs: (c) => c.training,
      async run(ctx) {
        keys.push(ctx.resumeKey);
        if (fail) throw new Error('interrupted');
      },
    });
    await expect(run(config, [failing(true)])).rejects.toThrow('interrupted');
    await run(config, [failing(false)]);
    await run({ ...config, training: { ...config.training, steps: 7 } }, [failing(false)]);
    await run(config, [failing(false)], true);
    expect(keys[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
    expect(keys[3]).toBeUndefined();
  });

  it('skips stages whose stored result is current and reruns what changed downstream', async () => {
    const { run, statuses, events } = setup();
    const runs: string[] = [];
    const stages = [counter('a', runs, (c) => c.seed), counter('b', runs, (c) => c.training)];
    await run(config, stages);
    await run(config, stages);
    expect(runs).toEqual(['a', 'b']);
    // Changing only b's inputs reruns b; changing a's reruns a and, through the upstream hash, b.
    await run({ ...config, training: { ...config.training, steps: 7 } }, stages);
    await run({ ...config, seed: 99 }, stages);
    expect(runs).toEqual(['a', 'b', 'b', 'a', 'b']);
    expect(statuses()).toEqual([
      'a:start',
      'a:done',
      'b:start',
      'b:done',
      'a:skip',
      'b:skip',
      'a:skip',
      'b:start',
      'b:done',
      'a:start',
      'a:done',
      'b:start',
      'b:done',
    ]);
    expect(events.filter((e) => e.type === 'artifact').map((e) => e.type === 'artifact' && e.path)).toContain('a.json');
  });

  it('reruns a stage whose artifact disappeared, and everything with --force', async () => {
    const { run, store } = setup();
    const runs: string[] = [];
    const stages = [counter('a', runs)];
    await run(config, stages);
    rmSync(join(store.dir, 'a.json'));
    await run(config, stages);
    await run(config, stages, true);
    expect(runs).toEqual(['a', 'a', 'a']);
  });

  it('wraps an unexpected stage error and records nothing for it', async () => {
    const { run, statuses, store } = setup();
    const boom: Stage = {
      name: 'boom',
      run: async () => {
        throw new TypeError('x is undefined');
      },
    };
    await expect(run(config, [boom])).rejects.toMatchObject({
      code: 'STAGE_FAILED',
      message: 'stage boom failed: x is undefined',
    });
    expect(statuses()).toEqual(['boom:start', 'boom:fail']);
    expect(await store.stageRecord('boom')).toBeUndefined();
  });

  it('rejects duplicate stage names', async () => {
    const { run } = setup();
    await expect(run(config, [counter('a', []), counter('a', [])])).rejects.toMatchObject({ code: 'PLUGIN_INVALID' });
  });

  it("disposes the engines a stage's scope owns when the stage ends, before the next stage starts, and when it fails", async () => {
    const store = new FsRunStore(mkdtempSync(join(tmpdir(), 'mllr-stages-')));
    const { container } = createRunContainer({ config, catalog: BUILTIN_PLUGINS, configDir: '.' });
    const log: string[] = [];
    const engine = (name: string) => ({ dispose: async () => void log.push(`dispose ${name}`) });
    const owning = (name: string, fail = false): Stage => ({
      name,
      async run(ctx) {
        resourceScope(ctx.container).own(engine(`${name} training`));
        resourceScope(ctx.container).own(engine(`${name} inference`));
        log.push(`${name} ran`);
        if (fail) throw new Error(`${name} broke`);
      },
    });
    const runner = new StageRunner({
      config,
      store,
      container,
      events: new RunEventSink(() => undefined),
      signal: new AbortController().signal,
    });
    await expect(runner.run([owning('base'), owning('proxy', true), owning('never')])).rejects.toMatchObject({
      code: 'STAGE_FAILED',
    });
    expect(log).toEqual([
      'base ran',
      'dispose base inference',
      'dispose base training',
      'proxy ran',
      'dispose proxy inference',
      'dispose proxy training',
    ]);
  });
});
