import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { PROGRESS_INTERVAL_MS, RunEventSink } from './run-event-sink.js';

describe('RunEventSink', () => {
  it('stamps, logs and forwards events in order, throttling progress per stage', () => {
    let now = 1000;
    const seen: RunEvent[] = [];
    const sink = new RunEventSink(
      (e) => seen.push(e),
      () => now,
    );
    const log = join(mkdtempSync(join(tmpdir(), 'mllr-sink-')), 'events.jsonl');
    sink.attachLog(log);
    for (let done = 1; done <= 10; done++) {
      sink.emit({ type: 'progress', stage: 'a', done, total: 10 });
      now += PROGRESS_INTERVAL_MS / 4;
    }
    sink.emit({ type: 'progress', stage: 'b', done: 1, total: 5 });
    sink.emit({ type: 'progress', stage: 'b', done: 2, total: 5 });
    sink.emit({ type: 'log', level: 'info', message: 'hello' });
    sink.close();

    const summary = seen.map((e) => (e.type === 'progress' ? `${e.stage}${e.done}` : e.type));
    // a1 (first), a5 (interval passed), a9, a10 (final always), b1, then b2 flushed before the log.
    expect(summary).toEqual(['a1', 'a5', 'a9', 'a10', 'b1', 'b2', 'log']);
    expect(seen.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const logged = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as RunEvent);
    expect(logged).toEqual(seen);
  });
});
