import { closeSync, openSync, writeSync } from 'node:fs';
import { SecretRedactor, type EventSink, type ProgressEvent, type RunEvent, type RunEventInput } from '@mllr/core';

/** How often at most a stage's progress is forwarded; the final update always is. */
export const PROGRESS_INTERVAL_MS = 100;

/**
 * Stamps events with a sequence number and time, appends them to the run's `events.jsonl` and forwards them.
 * Progress is throttled per stage, so a stage may report every step without flooding the UI or the log;
 * a held-back update is flushed before the next event of any other kind, keeping the order intact. Every event is
 * passed through the secret redactor first, so no plugin can put an API key into the log or onto the screen.
 */
export class RunEventSink implements EventSink {
  private seq = 0;
  private logFd: number | undefined;
  private readonly lastProgressAt = new Map<string, number>();
  private pending: RunEventInput | undefined;

  constructor(
    private readonly forward: (event: RunEvent) => void,
    private readonly now: () => number = Date.now,
    private readonly redactor: SecretRedactor = new SecretRedactor(),
  ) {}

  /** Starts appending to a JSONL log (the run folder is known only after the config is valid). */
  attachLog(file: string): void {
    this.logFd = openSync(file, 'a');
  }

  emit(event: RunEventInput): RunEvent {
    if (event.type === 'progress') {
      const progress = event as Omit<ProgressEvent, 'seq' | 'time'>;
      const last = this.lastProgressAt.get(progress.stage) ?? -Infinity;
      const t = this.now();
      if (progress.done < progress.total && t - last < PROGRESS_INTERVAL_MS) {
        this.pending = event;
        return { ...event, seq: this.seq, time: t } as RunEvent;
      }
      this.pending = undefined;
      this.lastProgressAt.set(progress.stage, t);
      return this.send(event);
    }
    this.flush();
    return this.send(event);
  }

  /** Sends a held-back progress update, if any. */
  flush(): void {
    if (this.pending) {
      const event = this.pending;
      this.pending = undefined;
      this.send(event);
    }
  }

  close(): void {
    this.flush();
    if (this.logFd !== undefined) closeSync(this.logFd);
    this.logFd = undefined;
  }

  private send(input: RunEventInput): RunEvent {
    const event = this.redactor.value({ ...input, seq: ++this.seq, time: this.now() } as RunEvent);
    if (this.logFd !== undefined) writeSync(this.logFd, `${JSON.stringify(event)}\n`);
    this.forward(event);
    return event;
  }
}
