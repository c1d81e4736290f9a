import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { allModuleIds } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { runMllr } from './mllr-cli.js';

const CONFIG = resolve(import.meta.dirname, 'fixtures/validate-small.yaml');

describe('mllr run with validate.enabled: each module fine-tuned alone on tiny-chat', () => {
  it('writes validation.json and summary.validation, and a rerun keeps every module run whose inputs are unchanged', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mllr-validate-')), 'run');
    const result = await runMllr(['run', '--headless', '--config', CONFIG, '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ validate +done /);
    expect(result.stdout).toMatch(/fine-tuning 28 modules alone \(3 steps each/);
    // Per-module progress for the dashboard.
    expect(result.stdout).toMatch(/validate +progress \d+\/28 module .*L\d\.\w+/);

    const read = (file: string) => JSON.parse(readFileSync(join(out, file), 'utf8'));
    const validation = read('validation.json');
    const evaluation = read('eval.json');
    const robustness = read('robustness.json');
    expect(validation.base).toEqual({
      harmful_asr: evaluation.base.harmful_asr.value,
      expertise: evaluation.base.expertise.value,
    });
    expect(validation.modules.map((m: { module: string }) => m.module)).toEqual(allModuleIds(4));
    for (const m of validation.modules) {
      const record = read(`validate/${m.module}.json`);
      expect(m.harmful_asr).toBe(record.harmful_asr);
      expect(m.asr_rise).toBeCloseTo(record.harmful_asr - validation.base.harmful_asr, 12);
      expect(m.robustness).toBe(robustness.scores.find((s: { module: string }) => s.module === m.module).score);
      expect(m.expertise >= 0 && m.expertise <= 1).toBe(true);
    }
    // The fine-tuned models are measured, then removed.
    const models = join(out, 'validate', 'models');
    expect(existsSync(models) ? readdirSync(models) : []).toEqual([]);
    const summary = read('summary.json');
    expect(summary.validation).toEqual({
      spearman: validation.spearman,
      ci: validation.ci,
      modules: validation.modules,
    });
    if (validation.spearman !== null) {
      expect(validation.ci[0]).toBeLessThanOrEqual(validation.ci[1]);
      expect(Math.abs(validation.spearman)).toBeLessThanOrEqual(1);
    }
    expect(Object.keys(summary.timings_s)).toContain('validate');

    // A second seed of the compared runs: the validate stage runs again (its upstream changed) but keeps the modules.
    const again = await runMllr(['run', '--headless', '--config', CONFIG, '--out', out, '--seeds', '2']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('28 of 28 module runs finished before, kept');
    expect(again.stdout).not.toMatch(/fine-tuning \d+ modules? alone/);
    expect(read('validation.json')).toEqual(validation);
  }, 900_000);
});
