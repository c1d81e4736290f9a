import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MllrError } from '@mllr/core';
import type { PeerResult } from './bench-report.js';
import type { BenchShape } from './reference-shape.js';

/** How to run the PyTorch peer. */
export interface PeerOptions {
  model: string;
  threads: number;
  warmup: number;
  repeats: number;
  shape: BenchShape;
  /** The Python with torch: `$MLLR_PYTHON`, else /usr/bin/python3 (Debian's python3-torch). */
  python?: string;
  /** The peer script (default: tools/bench/pytorch_peer.py of this repository). */
  script?: string;
  /** Receives the peer's progress lines. */
  onLine?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** tools/bench/pytorch_peer.py beside this package in the repository (from src/bench or dist/bench alike). */
export function defaultPeerScript(): string {
  return fileURLToPath(new URL('../../../../tools/bench/pytorch_peer.py', import.meta.url));
}

/** The Python that runs the peer. */
export function peerPython(env: NodeJS.ProcessEnv = process.env): string {
  return env.MLLR_PYTHON || '/usr/bin/python3';
}

/**
 * OpenBLAS unpacked by tools/bench/fetch-openblas.sh (or named by $MLLR_PEER_BLAS_DIR): put first on the library
 * path so that torch loads it instead of the system's libblas.so.3, which on a Debian without libopenblas0 is the
 * reference BLAS (about 2 GFLOP/s here, which would make every ratio flatter mllr).
 */
export function peerBlasDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.MLLR_PEER_BLAS_DIR) return env.MLLR_PEER_BLAS_DIR;
  const unpacked = fileURLToPath(
    new URL('../../../../tools/bench/.openblas/usr/lib/x86_64-linux-gnu/openblas-pthread', import.meta.url),
  );
  return existsSync(unpacked) ? unpacked : undefined;
}

/** Runs the peer and returns its numbers; a missing torch or script is bad input (exit 2). */
export async function runPytorchPeer(options: PeerOptions): Promise<PeerResult> {
  const env = options.env ?? process.env;
  const { python, script } = await checkPytorchPeer(options);
  const { shape } = options;
  const args = [
    script,
    ...[
      '--model',
      options.model,
      '--threads',
      String(options.threads),
      '--warmup',
      String(options.warmup),
      '--repeats',
      String(options.repeats),
    ],
    ...[
      '--batch',
      String(shape.batch),
      '--sequence',
      String(shape.sequence),
      '--generate-batch',
      String(shape.generateBatch),
    ],
    ...['--prompt-length', String(shape.promptLength), '--new-tokens', String(shape.newTokens)],
  ];
  const blas = peerBlasDir(env);
  const childEnv = blas ? { ...env, LD_LIBRARY_PATH: [blas, env.LD_LIBRARY_PATH].filter(Boolean).join(':') } : env;
  const { code, stdout, stderr } = await runProcess(python, args, childEnv, options.onLine);
  if (code !== 0) {
    throw new MllrError(
      code === 2 ? 'ARGUMENT_INVALID' : 'STAGE_FAILED',
      `the PyTorch peer (${python} ${script}) failed with exit code ${code}: ${lastLine(stderr)}`,
    );
  }
  try {
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as PeerResult;
  } catch {
    throw new MllrError(
      'STAGE_FAILED',
      `the PyTorch peer printed no JSON result: ${lastLine(stdout) || lastLine(stderr)}`,
    );
  }
}

/** Checks, before anything is measured, that the peer script exists and its Python imports torch (else exit 2). */
export async function checkPytorchPeer(
  options: Pick<PeerOptions, 'python' | 'script' | 'env'> = {},
): Promise<{ python: string; script: string }> {
  const env = options.env ?? process.env;
  const python = options.python ?? peerPython(env);
  const script = options.script ?? defaultPeerScript();
  if (!existsSync(script))
    throw new MllrError(
      'ARGUMENT_INVALID',
      `--compare needs the PyTorch peer ${script}, which is missing (it ships in the mllr repository's tools/bench)`,
    );
  await checkTorch(python, env);
  return { python, script };
}

async function checkTorch(python: string, env: NodeJS.ProcessEnv): Promise<void> {
  let result: { code: number | null; stdout: string; stderr: string };
  try {
    result = await runProcess(python, ['-c', 'import torch; print(torch.__version__)'], env);
  } catch (error) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `--compare needs Python with torch, but ${python} could not be started (${(error as Error).message}); set MLLR_PYTHON or install python3-torch`,
    );
  }
  if (result.code !== 0) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `--compare needs PyTorch, but ${python} cannot import torch (${lastLine(result.stderr)}); install Debian's python3-torch or set MLLR_PYTHON to a Python that has torch`,
    );
  }
}

function runProcess(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine?: (line: string) => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderr += text;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) if (line.trim()) onLine?.(line);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}
