import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MLLR_BIN } from './mllr-cli.js';

// The UI process must never compute: ONNX Runtime's run() blocks the event loop it is called on, so the dashboard
// would freeze. This reads the process tree of a live `mllr run` from /proc and checks where ONNX Runtime's native
// library is mapped: in the engine process and its job workers, never in the `mllr` process that draws.
const PROC_AVAILABLE = existsSync('/proc/self/maps');
if (!PROC_AVAILABLE) console.warn('mllr-process-model: skipped, needs Linux /proc');

const CONFIG = resolve(import.meta.dirname, 'fixtures/ml-lr-small.yaml');

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function mapsOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/maps`, 'utf8');
  } catch {
    return '';
  }
}

const loadsOnnxRuntime = (pid: number) => /onnxruntime/i.test(mapsOf(pid));

describe.skipIf(!PROC_AVAILABLE)('mllr run: where the computing happens', () => {
  it('runs ONNX Runtime in the engine process and its workers, never in the mllr (UI) process', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mllr-procs-')), 'run');
    const cli = spawn(process.execPath, [MLLR_BIN, 'run', '--headless', '--config', CONFIG, '--out', out], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    const seen = await new Promise<{ ui: boolean; engine: boolean; workers: boolean[] }>((done, fail) => {
      cli.on('error', fail);
      cli.on('close', (code) =>
        fail(new Error(`mllr run ended (code ${code}) before the robustness workers were seen:\n${stdout}`)),
      );
      cli.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (!/scoring \d+ modules on \d+ worker processes/.test(stdout)) return;
        // Poll until the workers have opened their ONNX sessions (they score the first module right away).
        const poll = () => {
          const [engine] = childrenOf(cli.pid!);
          const workers = engine === undefined ? [] : childrenOf(engine);
          if (engine !== undefined && workers.length > 0 && workers.every(loadsOnnxRuntime)) {
            done({
              ui: loadsOnnxRuntime(cli.pid!),
              engine: loadsOnnxRuntime(engine),
              workers: workers.map(loadsOnnxRuntime),
            });
          } else if (!/robustness done/.test(stdout)) setTimeout(poll, 50);
        };
        poll();
      });
    }).finally(() => {
      cli.removeAllListeners('close');
      process.kill(-cli.pid!, 'SIGKILL');
    });
    expect(seen.ui).toBe(false);
    // The proxy stage read its features on ONNX in the engine process before the workers started.
    expect(seen.engine).toBe(true);
    expect(seen.workers.length).toBeGreaterThan(0);
  }, 300_000);
});
