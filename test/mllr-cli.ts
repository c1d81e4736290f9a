import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** The built `mllr` launcher, as users run it. */
export const MLLR_BIN = resolve(import.meta.dirname, '../apps/tui/bin/mllr.js');

/** What one `mllr` invocation printed and how it exited. */
export interface MllrResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `mllr ...args` in a child process (stdout is a pipe, so output is never the dashboard). */
export function runMllr(args: string[], options: { cwd?: string; onStdout?: (text: string, kill: () => void) => void } = {}): Promise<MllrResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [MLLR_BIN, ...args], { cwd: options.cwd ?? process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      options.onStdout?.(stdout, () => child.kill('SIGKILL'));
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
