// Entry point of the engine child process: runs one pipeline and streams its events to the parent over IPC.
// Heavy native work (onnxruntime, tfjs) blocks the event loop, so it must never run in the UI process.
import { MllrError, toMllrError, type RunEvent } from '@mllr/core';
import { executeRun } from '../run/execute-run.js';
import type { ChildMessage, ParentMessage } from './engine-protocol.js';

const controller = new AbortController();
let started = false;

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolvePromise) => {
    if (!process.connected || !process.send) return resolvePromise();
    process.send(message, undefined, {}, () => resolvePromise());
  });
}

async function finish(exitCode: number, error?: MllrError): Promise<void> {
  await send({ type: 'exit', exitCode, ...(error ? { error: error.toJSON() } : {}) });
  process.exitCode = exitCode;
  if (process.connected) process.disconnect();
}

function requestStop(): void {
  if (controller.signal.aborted) {
    // A second request means "now": the run folder stays resumable because every write is atomic.
    process.exit(130);
  }
  controller.abort();
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'stop') return requestStop();
  if (message.type === 'start' && !started) {
    started = true;
    const forward = (event: RunEvent): void => void send({ type: 'event', event });
    executeRun(message.request, forward, controller.signal)
      .then((outcome) => finish(outcome.exitCode, outcome.error))
      .catch((error: unknown) => finish(1, toMllrError(error)));
  }
});

// Ctrl-C in a terminal reaches the whole process group. The UI forwards it as a 'stop' message (and a second one
// as a kill), so the engine ignores the signal itself while a UI is attached; otherwise it would count twice.
process.on('SIGINT', () => {
  if (!process.connected) requestStop();
});
process.on('SIGTERM', requestStop);
process.on('disconnect', () => {
  // The UI is gone: nobody will see the run, so stop at the next safe point.
  if (!controller.signal.aborted) controller.abort();
});
process.on('uncaughtException', (error) => {
  // State after an uncaught exception is unknown: report it, then end the process rather than run on.
  const crash = new MllrError('INTERNAL', `engine process crashed: ${error.message}`);
  void send({ type: 'exit', exitCode: 1, error: crash.toJSON() }).finally(() => process.exit(1));
});
