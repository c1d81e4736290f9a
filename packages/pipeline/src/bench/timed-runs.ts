import { median } from './bench-math.js';

/** Durations of the timed runs of one task, in seconds, and their median. */
export interface TimedRuns {
  runs_s: number[];
  median_s: number;
}

/** Runs `task` `warmup` times untimed, then `repeats` times timed. */
export async function timeRuns(task: () => Promise<unknown>, warmup: number, repeats: number): Promise<TimedRuns> {
  for (let i = 0; i < warmup; i++) await task();
  const runs: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    await task();
    runs.push((performance.now() - started) / 1000);
  }
  return { runs_s: runs, median_s: median(runs) };
}
