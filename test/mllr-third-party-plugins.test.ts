import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMllr } from './mllr-cli.js';

const CONFIG = resolve(import.meta.dirname, 'fixtures/third-party-plugins.yaml');

describe('mllr run: a third-party proxy and search (module: plugins) through the contracts', () => {
  it("scores with the proxy, checks sets with the proxy's own evaluateSet, and shows the search's threshold", async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mllr-third-party-')), 'run');
    const result = await runMllr(['run', '--json', '--config', CONFIG, '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    const robustness = JSON.parse(readFileSync(join(out, 'robustness.json'), 'utf8'));
    expect(robustness.proxy).toBe('layer-depth');
    // The plugin's formula, 1 − 0.05 × layer − 0.001 × type position, for every module.
    const byModule = Object.fromEntries(
      robustness.scores.map((s: { module: string; score: number }) => [s.module, s.score]),
    );
    expect(byModule['L0.q']).toBe(1);
    expect(byModule['L3.down']).toBeCloseTo(1 - 0.15 - 0.006, 12);

    // The joint check is the plugin's 1 − 0.02 × set size, no built-in perturbation: three kept (0.98, 0.96, 0.94),
    // then two rejected at 0.92 (the search stops after two rejections in a row).
    const search = JSON.parse(readFileSync(join(out, 'search.json'), 'utf8'));
    expect(search.strategy).toBe('walk');
    expect(search.threshold).toBe(0.93);
    expect(search.trace.map((s: { value: number }) => s.value)).toEqual(
      [0.98, 0.96, 0.94, 0.92, 0.92].map((v) => expect.closeTo(v, 12)),
    );
    expect(search.trace.map((s: { accepted: boolean }) => s.accepted)).toEqual([true, true, true, false, false]);
    expect(search.mods_robust).toEqual(['L0.q', 'L0.k', 'L0.v']);
    expect(search.sets.walk).toEqual(search.mods_robust);
    // The random control copies the size of the only earlier result, the third-party search's.
    expect(search.sets['random-control']).toHaveLength(3);

    // The dashboard gets the threshold as a metric from the start of the search.
    const events = result.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    expect(events.some((e) => e.type === 'metric' && e.name === 'threshold' && e.value === 0.93)).toBe(true);

    const markdown = readFileSync(join(out, 'report.md'), 'utf8');
    expect(markdown).toContain('## Search trace (walk, threshold 0.93)');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('reaches the threshold 0.93');
  }, 900_000);
});
