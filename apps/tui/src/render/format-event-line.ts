import type { RunEvent } from '@mllr/core';
import { formatDuration, formatNumber } from '../dashboard/run-view-state.js';

/** Remembers when each stage started so progress lines can carry an ETA. */
export class EventLineFormatter {
  private readonly stageStart = new Map<string, number>();

  /** One line of plain text for an event (no colour, no trailing newline). */
  format(event: RunEvent): string {
    const clock = new Date(event.time).toISOString().slice(11, 19);
    const where = event.type !== 'run' && 'stage' in event && event.stage ? event.stage : 'run';
    return `${clock} ${where.padEnd(10)} ${this.describe(event)}`;
  }

  private describe(event: RunEvent): string {
    switch (event.type) {
      case 'run':
        if (event.status === 'start') {
          const stages = event.stages ?? [];
          return `start    ${event.runDir} (${stages.length} stage${stages.length === 1 ? '' : 's'}: ${stages.join(', ')})`;
        }
        return `${event.status.padEnd(8)} ${event.runDir}`.trimEnd();
      case 'stage':
        if (event.status === 'start') this.stageStart.set(event.stage, event.time);
        return `${event.status.padEnd(8)} [${event.index + 1}/${event.total}]${event.elapsedS !== undefined ? ` in ${formatDuration(event.elapsedS)}` : ''}${event.status === 'skip' ? ' (result is current)' : ''}`;
      case 'progress': {
        const pct = event.total > 0 ? Math.floor((100 * event.done) / event.total) : 0;
        const started = this.stageStart.get(event.stage);
        let eta = '';
        if (started !== undefined && event.done > 0 && event.done < event.total) {
          const rate = event.done / Math.max(1e-3, (event.time - started) / 1000);
          eta = ` eta ${formatDuration((event.total - event.done) / rate)}`;
        }
        return `progress ${event.done}/${event.total}${event.unit ? ` ${event.unit}` : ''} (${pct}%)${eta}${event.label ? ` ${event.label}` : ''}`;
      }
      case 'metric':
        return `metric   ${event.series ? `${event.series}/` : ''}${event.name}=${formatNumber(event.value)}${event.step !== undefined ? ` step ${event.step}` : ''}`;
      case 'log':
        return `${event.level.padEnd(8)} ${event.message}`;
      case 'artifact':
        return `artifact ${event.path} (${event.bytes} B)`;
      case 'error':
        return `error    ${event.error.code}: ${event.error.message.split('\n')[0]}`;
    }
  }
}
