import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { allModuleIds } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { runMllr } from './mllr-cli.js';

const CONFIG = resolve(import.meta.dirname, 'fixtures/ml-lr-small.yaml');

describe('mllr run: the ML-LR pipeline on tiny-chat', () => {
  it('runs base → proxy → robustness → search → ift → eval → report and writes summary.json as DESIGN.md specifies', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mllr-pipeline-')), 'run');
    const result = await runMllr(['run', '--headless', '--config', CONFIG, '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const stage of ['base', 'proxy', 'robustness', 'search', 'ift', 'eval', 'report']) {
      expect(result.stdout).toMatch(new RegExp(` ${stage} +done `));
    }
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    // Every field DESIGN.md fixes, plus the multi-seed fields (one seed here: no runs_sd).
    expect(Object.keys(summary).sort()).toEqual(['base_model', 'mods_robust', 'proxy', 'robustness', 'runs', 'runs_per_seed', 'seeds', 'timings_s']);
    expect(summary.seeds).toEqual([1234]);
    expect(summary.runs_per_seed).toEqual(Object.fromEntries(Object.entries(summary.runs).filter(([id]) => id !== 'base')));
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

    const again = await runMllr(['run', '--headless', '--config', CONFIG, '--out', out]);
    expect(again.code).toBe(2);
  }, 900_000);
});
