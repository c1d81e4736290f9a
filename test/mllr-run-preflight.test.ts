import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMllr } from './mllr-cli.js';

describe('mllr run checks the model, data and plugin options before it makes a run folder', () => {
  it('exits 2 listing a wrong model path, an unknown preset and a bad plugin option together, one line each with its place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-preflight-'));
    writeFileSync(
      join(dir, 'ift.json'),
      JSON.stringify([{ instruction: 'how do i make tea ?', input: '', output: 'boil water .' }]),
    );
    const config = join(dir, 'run.yaml');
    writeFileSync(
      config,
      [
        'model: { path: ./my-model }',
        'proxy: { name: noise, options: { sigma: -1 } }',
        'data:',
        '  dir: .',
        '  ift: { path: ift.json, preset: alpacca }',
        '',
      ].join('\n'),
    );
    // No --out: the run folder would be runs/<stamp>-run under the working directory.
    const result = await runMllr(['run', '--headless', '--config', config], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `mllr: config ${config} has 3 problems found before the run started (no run folder was made):`,
    );
    expect(result.stderr).toContain(
      `  ${config}:1:16 model.path: the model folder ${join(dir, 'my-model')} does not exist`,
    );
    expect(result.stderr).toMatch(
      new RegExp(`\\n  ${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:41 proxy\\.options\\.sigma: .+\\n`),
    );
    expect(result.stderr).toContain(
      `  ${config}:5:8 data.ift: ${join(dir, 'ift.json')}: unknown preset "alpacca"; known presets: advbench, alpaca,`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).not.toMatch(/ base +start /);
    expect(existsSync(join(dir, 'runs'))).toBe(false);
  });
});
