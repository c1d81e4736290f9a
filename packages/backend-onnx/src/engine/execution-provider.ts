import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { MllrError } from '@mllr/core';
import type { InferenceSession } from 'onnxruntime-node';
import type { OnnxRuntime } from './load-runtime.js';

/** Devices of the ONNX engine. `auto`: CUDA when onnxruntime-node's CUDA provider is installed, else CPU. */
export const ONNX_DEVICES = ['auto', 'cpu', 'cuda'] as const;
export type OnnxDevice = (typeof ONNX_DEVICES)[number];

/** How sessions are created. */
export interface SessionSettings {
  /** The device asked for (`auto` by default). */
  device?: OnnxDevice;
  /** Intra-op threads of the CPU execution provider; default: os.availableParallelism(). */
  threads?: number;
  /**
   * ONNX Runtime's CPU memory arena (default on). It keeps the high-water mark of a run's intermediates for the next
   * run, which makes small models' runs faster (about a quarter of a tiny-chat training step) but holds gigabytes
   * for large ones (2.2 GB of a Qwen2.5-0.5B-shaped training step's 14 GB peak).
   */
  memoryArena?: boolean;
  /** Receives notices such as a CUDA fallback; default: a line on stderr. */
  onMessage?: (message: string) => void;
}

/** A device name checked against {@link ONNX_DEVICES}. */
export function checkOnnxDevice(device: string): OnnxDevice {
  if (!(ONNX_DEVICES as readonly string[]).includes(device)) {
    throw new MllrError('ARGUMENT_INVALID', `unknown ONNX Runtime device "${device}"; use ${ONNX_DEVICES.join(', ')}`);
  }
  return device as OnnxDevice;
}

/** Session options for the CPU execution provider. */
export function cpuSessionOptions(threads?: number, memoryArena = true): InferenceSession.SessionOptions {
  const intra = threads ?? availableParallelism();
  if (!Number.isInteger(intra) || intra < 1)
    throw new MllrError('ARGUMENT_INVALID', `threads must be a whole number ≥ 1, not ${threads}`);
  return {
    executionProviders: ['cpu'],
    intraOpNumThreads: intra,
    interOpNumThreads: 1,
    enableCpuMemArena: memoryArena,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // Masked attention scores (−1e9) leave softmax weights in the denormal range, which slow every later product on
    // x86; flushing them to zero changes no result visibly and took 5–10% off a 16 × 128 forward here.
    extra: { session: { set_denormal_as_zero: '1' } },
    // Errors only: ONNX Runtime's warnings (for example about unused initializers) would land on the user's stderr.
    logSeverityLevel: 3,
  };
}

/**
 * Whether onnxruntime-node's CUDA execution provider library is installed next to its binding (it is not by
 * default here: its install script, which downloads it, is skipped with ONNXRUNTIME_NODE_INSTALL=skip).
 */
export function cudaProviderInstalled(): boolean {
  cudaInstalled ??= findCudaProvider();
  return cudaInstalled;
}

let cudaInstalled: boolean | undefined;

function findCudaProvider(): boolean {
  try {
    const root = dirname(dirname(createRequire(import.meta.url).resolve('onnxruntime-node')));
    const bin = join(root, 'bin');
    const stack = existsSync(bin) ? [bin] : [];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) stack.push(join(dir, entry.name));
        else if (/onnxruntime_providers_cuda\.(so|dll)$/.test(entry.name)) return true;
      }
    }
  } catch {
    return false;
  }
  return false;
}

const CUDA_HINT =
  'To use an NVIDIA GPU, fetch its CUDA files: ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js (needs CUDA 12 and cuDNN 9)';

/** A session and the device it really runs on. */
export interface CreatedSession {
  session: InferenceSession;
  device: 'cpu' | 'cuda';
}

/**
 * Creates a session on the asked device. `cuda` (or `auto` with the CUDA provider installed) tries the CUDA
 * execution provider first and, if it cannot start, says so through `onMessage` and uses the CPU.
 */
export async function createSession(
  ort: OnnxRuntime,
  model: string | Uint8Array,
  settings: SessionSettings,
): Promise<CreatedSession> {
  const device = settings.device ?? 'auto';
  const cpu = cpuSessionOptions(settings.threads, settings.memoryArena);
  const say = settings.onMessage ?? ((m: string) => process.stderr.write(`mllr: ${m}\n`));
  const installed = cudaProviderInstalled();
  if (device === 'cuda' && !installed) {
    say(`ONNX Runtime's CUDA execution provider is not installed; running on the CPU. ${CUDA_HINT}`);
  } else if (device === 'cuda' || (device === 'auto' && installed)) {
    try {
      const session = await create(ort, model, { ...cpu, executionProviders: ['cuda', 'cpu'] });
      return { session, device: 'cuda' };
    } catch (error) {
      say(
        `ONNX Runtime's CUDA execution provider could not start (${firstLine(error)}); running on the CPU. ${CUDA_HINT}`,
      );
    }
  }
  return { session: await create(ort, model, cpu), device: 'cpu' };
}

function create(
  ort: OnnxRuntime,
  model: string | Uint8Array,
  options: InferenceSession.SessionOptions,
): Promise<InferenceSession> {
  return typeof model === 'string'
    ? ort.InferenceSession.create(model, options)
    : ort.InferenceSession.create(model, options);
}

/** The first plain sentence of an ONNX Runtime error. */
export function firstLine(error: unknown): string {
  // ONNX Runtime appends its own coloured log line to some messages; keep the first plain sentence.
  const text = String((error as Error)?.message ?? error).replace(/\x1b\[[0-9;]*m/g, '');
  return text.split(/\n|\d{4}-\d\d-\d\d \d\d:\d\d/)[0]!.trim();
}
