import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunEvent } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { runMllr } from './mllr-cli.js';

const twoStage = resolve(import.meta.dirname, 'fixtures/two-stage.yaml');
const newOut = () => join(mkdtempSync(join(tmpdir(), 'mllr-e2e-')), 'run');
const readEvents = (dir: string) =>
  readFileSync(join(dir, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as RunEvent);

describe('mllr run', () => {
  it('--headless prints one line per event and exits 0', async () => {
    const out = newOut();
    const result = await runMllr(['run', '--headless', '--config', twoStage, '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    const events = readEvents(out);
    expect(lines).toHaveLength(events.length);
    expect(lines[0]).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d run +start +${out} \\(2 stages: alpha, beta\\)$`));
    expect(
      lines.filter((l) => / (alpha|beta) +(start|done) /.test(l)).map((l) => l.split(/ +/).slice(1, 3).join(' ')),
    ).toEqual(['alpha start', 'alpha done', 'beta start', 'beta done']);
    expect(lines.at(-1)).toMatch(/ run +done +/);
    expect(JSON.parse(readFileSync(join(out, 'beta.json'), 'utf8'))).toEqual({ stage: 'beta', total: 8 });
  });

  it('--json prints exactly the event log as JSONL', async () => {
    const out = newOut();
    const result = await runMllr(['run', '--json', '--config', twoStage, '--out', out]);
    expect(result.code).toBe(0);
    const printed = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as RunEvent);
    expect(printed).toEqual(readEvents(out));
  });

  it('resumes a killed run at the stage it was in, and refuses to touch a finished run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-e2e-'));
    const config = join(dir, 'slow.yaml');
    writeFileSync(
      config,
      `stages:\n  module: ${JSON.stringify(resolve(import.meta.dirname, '../packages/pipeline/src/test-fixtures/two-stage.mjs'))}\n  options: { steps: 8, delay_ms: 40 }\n`,
    );
    const out = join(dir, 'run');
    // SIGKILL the CLI (and with it the engine's parent) once beta is under way.
    const killed = await runMllr(['run', '--headless', '--config', config, '--out', out], {
      onStdout: (text, kill) => {
        if (/ beta +progress /.test(text)) kill();
      },
    });
    expect(killed.code).toBeNull();
    const resumed = await runMllr(['run', '--headless', '--config', config, '--out', out]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/ alpha +skip /);
    expect(resumed.stdout).toMatch(/ beta +start /);
    const again = await runMllr(['run', '--headless', '--config', config, '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('holds a finished run');
  });

  it('exits 2 with one message per config problem, each with its place in the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-e2e-'));
    const config = join(dir, 'bad.yaml');
    writeFileSync(config, 'seed: -1\nproxy: nosie\ntraining:\n  lerning_rate: 0.1\n');
    const result = await runMllr(['run', '--headless', '--config', config, '--out', join(dir, 'run')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`mllr: config ${config} has 3 problems:`);
    expect(result.stderr).toContain(`  ${config}:1:7 seed: `);
    expect(result.stderr).toContain(`  ${config}:2:8 proxy: unknown proxy plugin "nosie"; known: drift, ift, noise`);
    expect(result.stderr).toContain(`  ${config}:4:3 training.lerning_rate: unknown setting`);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('mllr --help', () => {
  it('prints usage for the command and for run', async () => {
    const top = await runMllr(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('Usage: mllr [options] [command]');
    const run = await runMllr(['run', '--help']);
    expect(run.code).toBe(0);
    for (const option of ['--config <file>', '--out <dir>', '--headless', '--json', '--seeds <n>', '--force']) {
      expect(run.stdout).toContain(option);
    }
  });
});
