import type { RunEvent, RunEventInput } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { EventLineFormatter } from './format-event-line.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const at = (ms: number, e: RunEventInput): RunEvent => ({ ...e, seq: 1, time: T0 + ms }) as RunEvent;

describe('EventLineFormatter', () => {
  it('prints one plain line per event, with an ETA on progress', () => {
    const f = new EventLineFormatter();
    const lines = [
      at(0, { type: 'run', status: 'start', runDir: '/r', stages: ['alpha'] }),
      at(0, { type: 'stage', stage: 'alpha', status: 'start', index: 0, total: 1 }),
      at(4000, { type: 'progress', stage: 'alpha', done: 4, total: 10, unit: 'step' }),
      at(4000, { type: 'artifact', stage: 'alpha', path: 'a.json', bytes: 12 }),
      at(5000, { type: 'stage', stage: 'alpha', status: 'done', index: 0, total: 1, elapsedS: 5 }),
      at(5000, { type: 'error', error: { code: 'X', message: 'first line\nsecond' }, exitCode: 1 }),
      at(5000, { type: 'run', status: 'failed', runDir: '/r' }),
    ].map((e) => f.format(e));
    expect(lines).toEqual([
      '12:00:00 run        start    /r (1 stage: alpha)',
      '12:00:00 alpha      start    [1/1]',
      '12:00:04 alpha      progress 4/10 step (40%) eta 6s',
      '12:00:04 alpha      artifact a.json (12 B)',
      '12:00:05 alpha      done     [1/1] in 5s',
      '12:00:05 run        error    X: first line',
      '12:00:05 run        failed   /r',
    ]);
    expect(lines.every((l) => !l.includes('\n'))).toBe(true);
  });
});
