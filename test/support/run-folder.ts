import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { RunEvent } from '@mllr/core';
import { MLLR_BIN } from '../mllr-cli.js';

// What the tests that stop, kill, resume or extend `mllr run` share: reading and comparing run folders, and a run in
// its own process group that can be signalled as a terminal's Ctrl-C or a power cut would.

/** `file` of the run folder `dir`, parsed as JSON. */
export function readJson(dir: string, file: string) {
  return JSON.parse(readFileSync(join(dir, file), 'utf8'));
}

/** The SHA-256 of a file's bytes, in hex. */
export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** summary.json without `timings_s`: wall-clock seconds, which no two runs share. */
export function withoutTimings({ timings_s: _timings, ...rest }: Record<string, unknown>): Record<string, unknown> {
  return rest;
}

/** Every file under `dir`, relative to it, sorted. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** Every file under `dir` (relative) with its SHA-256. */
export function fileHashes(dir: string): Map<string, string> {
  return new Map(filesUnder(dir).map((file) => [file, sha256(join(dir, file))]));
}

/**
 * Runs `mllr …args` (a `run --json`) in its own process group, handing each event to `onEvent` with a function that
 * sends a signal to the whole group (the engine and worker processes too) and says whether it was sent. Resolves
 * once the group's processes are gone, not only the `mllr` process: until they are reaped, the run folder's lock
 * still names a live pid.
 */
export function runInOwnProcessGroup(
  args: string[],
  onEvent: (event: RunEvent, signalGroup: (signal: NodeJS.Signals) => boolean) => void,
): Promise<{ code: number | null; events: RunEvent[] }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [MLLR_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const signalGroup = (signal: NodeJS.Signals): boolean => {
      try {
        process.kill(-child.pid!, signal);
        return true;
      } catch {
        return false; // the run ended first
      }
    };
    const events: RunEvent[] = [];
    let buffered = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (buffered + chunk).split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        const event = JSON.parse(line) as RunEvent;
        events.push(event);
        onEvent(event, signalGroup);
      }
    });
    child.stderr.resume();
    child.on('error', fail);
    child.on('close', (code) => {
      const gone = () => {
        try {
          process.kill(-child.pid!, 0);
          setTimeout(gone, 20);
        } catch {
          done({ code, events });
        }
      };
      gone();
    });
  });
}
