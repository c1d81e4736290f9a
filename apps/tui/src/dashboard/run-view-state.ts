import type { RunEvent, SerializedError } from '@mllr/core';
import { initialStageResults, reduceStageResults, type StageResults } from './results/stage-results.js';

/** One stage as the dashboard shows it. */
export interface StageView {
  name: string;
  status: 'pending' | 'running' | 'done' | 'skipped' | 'failed' | 'stopped';
  done: number;
  total: number;
  unit?: string;
  label?: string;
  /** Event time the stage started (ms). */
  startedAt?: number;
  /** Time of the latest progress (ms). */
  progressAt?: number;
  elapsedS?: number;
}

/** A log line kept for the log pane. */
export interface LogLine {
  time: number;
  level: 'debug' | 'info' | 'warn' | 'error';
  text: string;
}

/** Everything the dashboard renders, built from events alone. */
export interface RunViewState {
  runDir?: string;
  info: Record<string, string>;
  stages: StageView[];
  logs: LogLine[];
  /** The live result of each stage that has a result panel. */
  results: StageResults;
  status: 'starting' | 'running' | 'done' | 'stopped' | 'failed';
  error?: SerializedError;
  startedAt?: number;
  lastEventAt?: number;
}

/** How many log lines are kept (older ones scroll away). */
export const LOG_CAPACITY = 200;

/** The state before any event. */
export function initialRunViewState(): RunViewState {
  return { info: {}, stages: [], logs: [], results: initialStageResults(), status: 'starting' };
}

/** Applies one event; pure, so the Ink view and tests share it. */
export function reduceRunView(state: RunViewState, event: RunEvent): RunViewState {
  const next: RunViewState = { ...state, lastEventAt: event.time };
  switch (event.type) {
    case 'run':
      if (event.status === 'start') {
        next.runDir = event.runDir;
        next.info = { ...state.info, ...event.info };
        next.stages = (event.stages ?? []).map((name) => ({ name, status: 'pending', done: 0, total: 0 }));
        next.status = 'running';
        next.startedAt = event.time;
      } else {
        next.status = event.status;
        if (event.status !== 'done') {
          const ended = event.status === 'stopped' ? 'stopped' : 'failed';
          next.stages = state.stages.map((s) => (s.status === 'running' ? { ...s, status: ended } : s));
        }
      }
      return next;
    case 'stage':
      next.stages = updateStage(state.stages, event.stage, (s) => {
        switch (event.status) {
          case 'start':
            return { ...s, status: 'running', startedAt: event.time, done: 0, total: 0 };
          case 'done':
            return {
              ...s,
              status: 'done',
              done: s.total || 1,
              total: s.total || 1,
              ...(event.elapsedS !== undefined ? { elapsedS: event.elapsedS } : {}),
            };
          case 'skip':
            return { ...s, status: 'skipped', done: 1, total: 1 };
          case 'fail':
            return { ...s, status: 'failed' };
        }
      });
      return next;
    case 'progress':
      next.stages = updateStage(state.stages, event.stage, (s) => ({
        ...s,
        done: event.done,
        total: event.total,
        progressAt: event.time,
        ...(event.unit !== undefined ? { unit: event.unit } : {}),
        ...(event.label !== undefined ? { label: event.label } : {}),
      }));
      return next;
    case 'log':
      next.results = reduceStageResults(state.results, event);
      next.logs = appendLog(state.logs, {
        time: event.time,
        level: event.level,
        text: event.stage ? `[${event.stage}] ${event.message}` : event.message,
      });
      return next;
    case 'metric':
      next.results = reduceStageResults(state.results, event);
      // A metric a result panel shows stays out of the log, so the stages' own messages are not scrolled away.
      if (next.results !== state.results) return next;
      next.logs = appendLog(state.logs, {
        time: event.time,
        level: 'info',
        text: `[${event.stage}] ${event.name} = ${formatNumber(event.value)}${event.step !== undefined ? ` (step ${event.step})` : ''}`,
      });
      return next;
    case 'artifact':
      next.logs = appendLog(state.logs, {
        time: event.time,
        level: 'debug',
        text: `[${event.stage}] wrote ${event.path}`,
      });
      return next;
    case 'error':
      next.error = event.error;
      next.logs = appendLog(state.logs, { time: event.time, level: 'error', text: event.error.message });
      return next;
  }
}

/**
 * Seconds left for a running stage, from its average rate since it started; undefined until there is a rate.
 * `now` is the current time in ms.
 */
export function etaSeconds(stage: StageView, now: number): number | undefined {
  if (stage.status !== 'running' || stage.startedAt === undefined || stage.total <= 0 || stage.done <= 0)
    return undefined;
  const elapsed = Math.max(0, (stage.progressAt ?? now) - stage.startedAt) / 1000;
  if (elapsed <= 0) return undefined;
  const rate = stage.done / elapsed;
  return Math.max(0, (stage.total - stage.done) / rate);
}

/** `1m 05s`, `12s`, `1h 02m`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Four significant digits, no exponent for ordinary sizes. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e6) ? value.toExponential(3) : String(Number(value.toPrecision(4)));
}

function updateStage(stages: StageView[], name: string, change: (stage: StageView) => StageView): StageView[] {
  const index = stages.findIndex((s) => s.name === name);
  if (index === -1) return [...stages, change({ name, status: 'pending', done: 0, total: 0 })];
  return stages.map((s, i) => (i === index ? change(s) : s));
}

function appendLog(logs: LogLine[], line: LogLine): LogLine[] {
  const next = logs.length >= LOG_CAPACITY ? logs.slice(logs.length - LOG_CAPACITY + 1) : logs.slice();
  next.push(line);
  return next;
}
