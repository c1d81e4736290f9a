import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';

/** The built `mllr` launcher, as users run it. */
export const MLLR_BIN = resolve(import.meta.dirname, '../apps/tui/bin/mllr.js');

/** What one `mllr` invocation printed and how it exited. */
export interface MllrResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `mllr ...args` in a child process (stdout is a pipe, so output is never the dashboard). */
export function runMllr(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; onStdout?: (text: string, kill: () => void) => void } = {},
): Promise<MllrResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [MLLR_BIN, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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

/** The reference folders under `dir` (each with a reference.json of the PyTorch greedy continuation), sorted. */
export function referenceFolders(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => existsSync(join(dir, n, 'reference.json')))
        .sort()
    : [];
}

/**
 * Runs `mllr generate [engineArgs] --model <folder> --ids 1,2,3 --max-new-tokens 8 --json` and checks it printed the
 * PyTorch greedy ids recorded in the folder's reference.json (`cli_greedy`), with a clean exit and nothing on stderr.
 */
export async function expectReferenceGreedyIds(folder: string, engineArgs: string[] = []): Promise<void> {
  const expected = JSON.parse(readFileSync(join(folder, 'reference.json'), 'utf8')).cli_greedy;
  const result = await runMllr([
    'generate',
    ...engineArgs,
    '--model',
    folder,
    '--ids',
    '1,2,3',
    '--max-new-tokens',
    '8',
    '--json',
  ]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const printed = JSON.parse(result.stdout);
  expect(printed.prompt_ids).toEqual([1, 2, 3]);
  expect(printed.output_ids).toEqual(expected.output_ids);
}
