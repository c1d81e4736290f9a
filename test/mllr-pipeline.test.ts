import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { allModuleIds } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { runMllr } from './mllr-cli.js';

const CONFIG = resolve(import.meta.dirname, 'fixtures/ml-lr-small.yaml');

describe('mllr run: the ML-LR pipeline on tiny-chat', () => {
  /** The run folder of the first test: module probes and fine-tuning runs fanned out over worker processes. */
  let parallelRun: string | undefined;

  it('runs base → proxy → robustness → search → ift → eval → report and writes summary.json as DESIGN.md specifies', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mllr-pipeline-')), 'run');
    const result = await runMllr(['run', '--headless', '--config', CONFIG, '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const stage of ['base', 'proxy', 'robustness', 'search', 'ift', 'eval', 'report']) {
      expect(result.stdout).toMatch(new RegExp(` ${stage} +done `));
    }
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.skipped_records).toEqual({});
    // Every field DESIGN.md fixes, plus the multi-seed fields (one seed here: no runs_sd).
    expect(Object.keys(summary).sort()).toEqual([
      'base_model',
      'mods_robust',
      'proxy',
      'robustness',
      'runs',
      'runs_per_seed',
      'seeds',
      'skipped_records',
      'timings_s',
    ]);
    expect(summary.seeds).toEqual([1234]);
    expect(summary.runs_per_seed).toEqual(
      Object.fromEntries(Object.entries(summary.runs).filter(([id]) => id !== 'base')),
    );
    expect(typeof summary.base_model).toBe('string');
    expect(summary.proxy.clean_accuracy).toBeGreaterThanOrEqual(0.95);
    expect(summary.robustness.map((r: { module: string }) => r.module)).toEqual(allModuleIds(4));
    expect(summary.mods_robust.length).toBeGreaterThan(0);
    expect(summary.mods_robust.length).toBeLessThanOrEqual(4);
    expect(Object.keys(summary.runs)).toEqual(['base', 'uniform', 'ml-lr', 'swat', 'random-control']);
    for (const run of Object.values(summary.runs) as Array<Record<string, number>>) {
      expect(Object.keys(run).sort()).toEqual(['expertise', 'harmful_asr', 'over_refusal', 'usability']);
      for (const v of Object.values(run)) expect(v >= 0 && v <= 1).toBe(true);
    }
    expect(Object.keys(summary.timings_s)).toEqual(['base', 'proxy', 'robustness', 'search', 'ift', 'eval']);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('| ml-lr |');
    // report.html: self-contained (no scripts, nothing fetched), charts inline.
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/\s(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import/i);
    expect(html.match(/<svg/g)?.length).toBe(5);
    expect(html).toContain('<td class="id">ml-lr</td>');
    for (const module of summary.mods_robust) expect(html).toContain(`<span class="chip">${module}</span>`);
    expect(existsSync(join(out, 'models', 'ml-lr', 'model.safetensors'))).toBe(true);

    // Two cores or more: the independent jobs ran in worker processes.
    expect(result.stdout).toMatch(/scoring 28 modules on \d+ worker processes/);
    expect(result.stdout).toMatch(/fine-tuning 4 runs on \d+ worker processes/);
    parallelRun = out;

    const again = await runMllr(['run', '--headless', '--config', CONFIG, '--out', out]);
    expect(again.code).toBe(2);
  }, 900_000);

  it('gives the same scores, sets, curves and metrics with every job in one process (engine.workers: 1)', async () => {
    expect(parallelRun, 'needs the first test').toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'mllr-serial-'));
    const config = join(dir, 'serial.yaml');
    writeFileSync(config, `${readFileSync(CONFIG, 'utf8')}\nengine: { workers: 1 }\n`);
    const out = join(dir, 'run');
    const result = await runMllr(['run', '--headless', '--config', config, '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('scoring 28 modules on 1 process');
    expect(result.stdout).toContain('fine-tuning 4 runs on 1 process');
    const read = (run: string, file: string) => JSON.parse(readFileSync(join(run, file), 'utf8'));
    expect(read(out, 'robustness.json')).toEqual(read(parallelRun!, 'robustness.json'));
    expect(read(out, 'search.json')).toEqual(read(parallelRun!, 'search.json'));
    for (const run of ['uniform', 'ml-lr', 'swat', 'random-control']) {
      expect(read(out, `ift/${run}.json`).curve).toEqual(read(parallelRun!, `ift/${run}.json`).curve);
    }
    expect(read(out, 'eval.json')).toEqual(read(parallelRun!, 'eval.json'));
    expect(read(out, 'summary.json').runs).toEqual(read(parallelRun!, 'summary.json').runs);
  }, 900_000);
});
