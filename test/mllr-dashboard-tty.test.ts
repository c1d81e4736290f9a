import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MLLR_BIN } from './mllr-cli.js';

// The dashboard only draws for a real terminal, so this drives `mllr run` inside a detached tmux session of fixed size
// and reads the screen back with capture-pane.
const TMUX_AVAILABLE = spawnSync('tmux', ['-V']).status === 0;
if (!TMUX_AVAILABLE)
  console.warn('mllr-dashboard-tty: skipped, tmux is not installed (apt-get install tmux to run it)');

const TWO_STAGE = resolve(import.meta.dirname, '../packages/pipeline/src/test-fixtures/two-stage.mjs');
const COLUMNS = 100;
const ROWS = 30;
/** Each stage counts this many steps of this many ms: slow enough to press q mid-stage on a loaded machine. */
const STEPS = 50;
const STEP_MS = 150;

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** One tmux server of our own (its own socket), so the test never touches anyone else's sessions. */
class TmuxTerminal {
  private readonly socket = `mllr-e2e-${process.pid}-${Date.now()}`;

  tmux(...args: string[]): string {
    const result = spawnSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  }

  /** Runs `command` in a fresh window of COLUMNS × ROWS; the pane prints EXIT=<code> when it ends and stays open. */
  start(session: string, command: string): void {
    this.tmux(
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      String(COLUMNS),
      '-y',
      String(ROWS),
      `${command}; echo EXIT=$?; sleep 600`,
    );
  }

  /** The visible screen plus the lines scrolled above it (the final frame's header scrolls off when the pane prints EXIT). */
  screen(session: string): string {
    return this.tmux('capture-pane', '-p', '-S', `-${ROWS}`, '-t', session);
  }

  /** Polls the screen until `pattern` shows; fails with the last screen after `timeoutMs`. */
  async waitFor(session: string, pattern: RegExp, timeoutMs = 90_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < deadline) {
      screen = this.screen(session);
      if (pattern.test(screen)) return screen;
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`timed out waiting for ${pattern} on the screen:\n${screen}`);
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
  }
}

describe.skipIf(!TMUX_AVAILABLE)(`mllr run in a real terminal (tmux, ${COLUMNS}×${ROWS})`, () => {
  let terminal: TmuxTerminal;
  beforeEach(() => {
    terminal = new TmuxTerminal();
  });
  afterEach(() => terminal.kill());

  it('draws the dashboard, stops cleanly on q with exit 130, and resumes on the same folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-tty-'));
    const config = join(dir, 'slow.yaml');
    writeFileSync(
      config,
      `stages:\n  module: ${JSON.stringify(TWO_STAGE)}\n  options: { steps: ${STEPS}, delay_ms: ${STEP_MS} }\n`,
    );
    const out = join(dir, 'run');
    // CI jobs set CI, under which mllr (like Ink) prints plain lines instead of the dashboard; this pane is a terminal.
    const command = `env -u CI -u CONTINUOUS_INTEGRATION ${quote(process.execPath)} ${quote(MLLR_BIN)} run --config ${quote(config)} --out ${quote(out)}`;

    terminal.start('first', command);
    // beta under way: alpha is finished, so the rerun has a stage to skip.
    const running = await terminal.waitFor('first', new RegExp(`▶ beta +█+░+ \\d+/${STEPS} step`));
    expect(running).toContain(`run folder: ${out}`);
    expect(running).toMatch(/│ stages +│/);
    expect(running).toMatch(/✔ alpha +█+ done/);
    expect(running).toMatch(/q stop · tab \/ ← → switch panel · \? help/);
    expect(running.split('\n').every((line) => line.length <= COLUMNS)).toBe(true);

    terminal.tmux('send-keys', '-t', 'first', 'q');
    const stopped = await terminal.waitFor('first', /EXIT=\d+/);
    expect(stopped).toContain('EXIT=130');
    expect(stopped).toMatch(/■ beta .* stopped/);
    expect(stopped).toContain('rerun on the same folder to resume');

    terminal.start('second', command);
    const resumed = await terminal.waitFor('second', /EXIT=\d+/);
    expect(resumed).toContain('EXIT=0');
    expect(resumed).toMatch(/↷ alpha +█+ skipped \(current\)/);
    expect(resumed).toMatch(/✔ beta +█+ done/);
    expect(resumed).toMatch(/mllr run +done/);
  });

  it('prints plain progress lines instead of the dashboard when CI is set, even in a terminal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-tty-ci-'));
    const config = join(dir, 'quick.yaml');
    writeFileSync(config, `stages:\n  module: ${JSON.stringify(TWO_STAGE)}\n  options: { steps: 3, delay_ms: 1 }\n`);
    const command = `env CI=true ${quote(process.execPath)} ${quote(MLLR_BIN)} run --config ${quote(config)} --out ${quote(join(dir, 'run'))}`;
    terminal.start('ci', command);
    const screen = await terminal.waitFor('ci', /EXIT=\d+/);
    expect(screen).toContain('EXIT=0');
    expect(screen).not.toMatch(/│ stages +│/);
    expect(screen).toMatch(/beta +done +\[2\/2\]/);
  });
});
