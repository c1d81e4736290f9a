import { serviceToken } from '../di.js';
import type { RunEvent, RunEventInput } from '../events.js';

/** Receives the run's events; the pipeline stamps them and forwards them to the log and the UI. */
export interface EventSink {
  emit(event: RunEventInput): RunEvent;
}

/** DI token for {@link EventSink}. */
export const EventSink = serviceToken('EventSink');
