import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MllrError } from '@mllr/core';
import type { BenchReport } from './bench-report.js';

const SUMMARY = 'summary.json';

/**
 * The end-to-end time of each pipeline stage: `timings_s` of `<run>/summary.json`. Without `runDir`, the newest
 * folder under `<cwd>/runs` that has a summary (the last finished run); none is a note, not an error.
 */
export function readStageTimings(runDir: string | undefined, cwd = process.cwd()): BenchReport['stage_timings'] {
  if (runDir !== undefined) {
    const dir = resolve(cwd, runDir);
    if (!existsSync(join(dir, SUMMARY)))
      throw new MllrError(
        'RUN_FOLDER_INVALID',
        `${join(dir, SUMMARY)} does not exist; --run needs a finished run folder`,
      );
    return { run: dir, timings_s: timingsOf(join(dir, SUMMARY)) };
  }
  const runs = join(cwd, 'runs');
  const candidates = existsSync(runs)
    ? readdirSync(runs, { withFileTypes: true })
        .filter((e) => e.isDirectory() && existsSync(join(runs, e.name, SUMMARY)))
        .map((e) => ({ dir: join(runs, e.name), mtime: statSync(join(runs, e.name, SUMMARY)).mtimeMs }))
        .sort((a, b) => b.mtime - a.mtime)
    : [];
  const newest = candidates[0];
  if (!newest) return { run: null, note: `no finished run under ${runs} (run mllr run first, or give --run DIR)` };
  return { run: newest.dir, timings_s: timingsOf(join(newest.dir, SUMMARY)) };
}

function timingsOf(file: string): Record<string, number> {
  let summary: unknown;
  try {
    summary = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new MllrError('ARTIFACT_INVALID', `${file} is not valid JSON: ${(error as Error).message}`);
  }
  const timings = (summary as { timings_s?: unknown }).timings_s;
  if (typeof timings !== 'object' || timings === null || Object.values(timings).some((v) => typeof v !== 'number')) {
    throw new MllrError('ARTIFACT_INVALID', `${file} has no timings_s object of seconds per stage`);
  }
  return timings as Record<string, number>;
}
