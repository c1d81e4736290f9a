import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EXIT_CODES, MllrError, type RunEvent, type RunEventInput, type SerializedError } from '@mllr/core';
import type { ChildMessage, ParentMessage, RunRequest } from '../process/engine-protocol.js';

/** How a run in the engine process ended. */
export interface RunResult {
  exitCode: number;
  error?: SerializedError;
}

/** A pipeline running in the engine child process. */
export interface RunHandle {
  readonly pid: number | undefined;
  /** Asks the run to stop at its next safe point (resumable); a second call kills it. */
  stop(): void;
  /** Ends the engine process at once. */
  kill(signal?: NodeJS.Signals): void;
  readonly result: Promise<RunResult>;
}

/** Options for the engine process itself. */
export interface StartRunOptions {
  /** Engine entry script; the built process/engine-process.js by default. */
  entry?: string;
  /** Extra Node flags for the child. */
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
}

const DEFAULT_ENTRY = fileURLToPath(new URL('../process/engine-process.js', import.meta.url));
const STDERR_TAIL_BYTES = 4096;

/**
 * Forks the engine process, starts the run and calls `onEvent` for each event in order. Output the child prints
 * becomes log events (so it never tears the dashboard), and a child that dies without reporting is turned into an
 * ENGINE_CRASHED error carrying its exit status and the tail of its stderr, rather than a hang.
 */
export function startRun(
  request: RunRequest,
  onEvent: (event: RunEvent) => void,
  options: StartRunOptions = {},
): RunHandle {
  const child: ChildProcess = fork(options.entry ?? DEFAULT_ENTRY, [], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    execArgv: options.execArgv ?? [],
    env: options.env ?? process.env,
    serialization: 'json',
  });
  let exitMessage: Extract<ChildMessage, { type: 'exit' }> | undefined;
  let lastSeq = 0;
  let stderrTail = '';
  let stopRequested = false;

  const emitLocal = (event: RunEventInput): void => {
    onEvent({ ...event, seq: ++lastSeq, time: Date.now() } as RunEvent);
  };

  child.on('message', (message: ChildMessage) => {
    if (message.type === 'event') {
      lastSeq = message.event.seq;
      onEvent(message.event);
    } else if (message.type === 'exit') {
      exitMessage = message;
    }
  });
  forwardLines(child.stdout, (line) => emitLocal({ type: 'log', level: 'info', message: line }));
  forwardLines(child.stderr, (line) => {
    stderrTail = `${stderrTail}${line}\n`.slice(-STDERR_TAIL_BYTES);
    emitLocal({ type: 'log', level: 'warn', message: line });
  });

  const result = new Promise<RunResult>((resolvePromise) => {
    child.on('error', (error) => {
      const crash = new MllrError('ENGINE_CRASHED', `cannot start the engine process: ${error.message}`);
      emitLocal({ type: 'error', error: crash.toJSON(), exitCode: EXIT_CODES.runtime });
      resolvePromise({ exitCode: EXIT_CODES.runtime, error: crash.toJSON() });
    });
    // 'close' rather than 'exit': it comes after the child's output has been read to the end.
    child.on('close', (code, signal) => {
      if (exitMessage) {
        resolvePromise({ exitCode: exitMessage.exitCode, ...(exitMessage.error ? { error: exitMessage.error } : {}) });
        return;
      }
      if (stopRequested && (code === 130 || signal === 'SIGKILL' || signal === 'SIGINT')) {
        const stopped = new MllrError('STOPPED', 'stopped by the user; rerun on the same folder to resume');
        emitLocal({ type: 'error', error: stopped.toJSON(), exitCode: EXIT_CODES.stopped });
        resolvePromise({ exitCode: EXIT_CODES.stopped, error: stopped.toJSON() });
        return;
      }
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const tail = stderrTail.trim() ? `; its last output:\n${stderrTail.trim()}` : '';
      const crash = new MllrError('ENGINE_CRASHED', `the engine process ${how} before the run ended${tail}`);
      emitLocal({ type: 'error', error: crash.toJSON(), exitCode: EXIT_CODES.runtime });
      resolvePromise({ exitCode: EXIT_CODES.runtime, error: crash.toJSON() });
    });
  });

  const post = (message: ParentMessage): void => {
    if (child.connected) child.send(message);
  };
  post({ type: 'start', request });

  return {
    pid: child.pid,
    stop() {
      if (stopRequested) {
        child.kill('SIGKILL');
        return;
      }
      stopRequested = true;
      post({ type: 'stop' });
    },
    kill(signal = 'SIGKILL') {
      child.kill(signal);
    },
    result,
  };
}

function forwardLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (buffered + chunk).split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) onLine(line);
  });
  stream.on('end', () => {
    if (buffered.trim()) onLine(buffered);
  });
}
