import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parentPort, threadId } from 'node:worker_threads';
import { TARGETS, type FuzzSeed } from './targets.js';

/** A request from the fuzz driver: run `target` on these files. */
export interface FuzzRequest {
  id: number;
  target: string;
  seed: FuzzSeed;
}

/** How one input went: parsed, refused with a typed error, or something else (a finding). */
export interface FuzzReply {
  id: number;
  outcome: 'ok' | 'typed' | 'finding';
  /** The MllrError code, for typed errors. */
  code?: string;
  /** What was thrown, for findings. */
  error?: { name: string; message: string; stack?: string };
}

const root = join(tmpdir(), `mllr-fuzz-${process.pid}-${threadId}`);

parentPort!.on('message', (request: FuzzRequest) => {
  void handle(request).then((reply) => parentPort!.postMessage(reply));
});

async function handle({ id, target, seed }: FuzzRequest): Promise<FuzzReply> {
  const dir = join(root, String(id));
  mkdirSync(dir, { recursive: true });
  try {
    for (const [name, bytes] of Object.entries(seed.files)) writeFileSync(join(dir, name), bytes);
    await TARGETS[target]!.run(dir, seed);
    return { id, outcome: 'ok' };
  } catch (error) {
    return classify(id, error, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A typed error is an MllrError (any code but INTERNAL, which is what an unexpected exception becomes) whose
 * message names the file or folder it is about. Anything else is a finding.
 */
function classify(id: number, error: unknown, dir: string): FuzzReply {
  const e = error as { name?: unknown; code?: unknown; message?: unknown; stack?: unknown };
  const isMllr = typeof error === 'object' && error !== null && e.name === 'MllrError' && typeof e.code === 'string';
  const message = typeof e?.message === 'string' ? e.message : String(error);
  if (isMllr && e.code !== 'INTERNAL' && message.includes(dir)) return { id, outcome: 'typed', code: e.code as string };
  const name = isMllr
    ? `MllrError ${String(e.code)}${message.includes(dir) ? '' : ' (message names no file)'}`
    : String(e?.name ?? typeof error);
  return {
    id,
    outcome: 'finding',
    error: {
      name,
      message: message.slice(0, 2000),
      ...(typeof e.stack === 'string' ? { stack: e.stack.slice(0, 4000) } : {}),
    },
  };
}
