import { describe, expect, it } from 'vitest';
import { main } from './cli.js';
import { capturedIo } from './test-fixtures/captured-io.js';

describe('mllr command line', () => {
  it('prints usage for --help and for each subcommand', async () => {
    const a = capturedIo();
    expect(await main(['--help'], a)).toBe(0);
    expect(a.out()).toContain('Usage: mllr [options] [command]');
    for (const command of ['run', 'generate', 'inspect', 'bench', 'export-plan']) {
      const b = capturedIo();
      expect(await main([command, '--help'], b)).toBe(0);
      expect(b.out()).toContain(`Usage: mllr ${command} [options]`);
    }
  });

  it('exits 2 with a message for bad arguments', async () => {
    const cases: Array<[string[], string]> = [
      [['--bogus'], "unknown option '--bogus'"],
      [['run', '--seeds', 'two'], '--seeds must be a positive integer'],
      [['generate', '--model', 'm', '--max-new-tokens', '4', '--ids', '1,x'], 'expected comma-separated token ids'],
      [['export-plan', '--run', 'r', '--format', 'keras'], 'Allowed choices are axolotl, torch'],
      [['inspect'], "required option '--model <dir>' not specified"],
    ];
    for (const [argv, message] of cases) {
      const c = capturedIo();
      expect(await main(argv, c), argv.join(' ')).toBe(2);
      expect(c.err()).toContain(message);
    }
  });

  it('documents --eval-harmful on run', async () => {
    const c = capturedIo();
    expect(await main(['run', '--help'], c)).toBe(0);
    expect(c.out()).toContain('--eval-harmful <file>');
    expect(c.out()).toMatch(/prompt, goal or\s+instruction column\); repeatable/);
  });

  it('exits 2 before measuring anything when bench gets bad options', async () => {
    const cases: Array<[string[], string]> = [
      [['bench', '--engines', 'tfjs,torch'], '--engines takes a comma-separated list of tfjs, onnx; got "tfjs,torch"'],
      [['bench', '--repeats', '0'], '--repeats must be a positive integer'],
      [['bench', '--warmup', 'x'], '--warmup must be a whole number ≥ 0'],
      [['bench', '--run', 'no/such/run'], 'summary.json does not exist; --run needs a finished run folder'],
    ];
    for (const [argv, message] of cases) {
      const c = capturedIo();
      expect(await main(argv, c), argv.join(' ')).toBe(2);
      expect(c.err()).toContain(message);
      expect(c.out()).toBe('');
    }
  });
});
