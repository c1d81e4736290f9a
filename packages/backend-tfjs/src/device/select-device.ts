import { MllrError } from '@mllr/core';
import { tf } from '../tf.js';
import { registerMissingWasmKernels } from './wasm-kernels.js';

/** Where TensorFlow.js computes, fastest first. */
export const TFJS_DEVICES = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;

/** A TensorFlow.js device. */
export type TfjsDevice = (typeof TFJS_DEVICES)[number];

/** The device in use and why the faster ones were not. */
export interface DeviceSelection {
  device: TfjsDevice;
  /** One line per device that was tried and skipped. */
  skipped: string[];
}

const NATIVE_PACKAGES: Record<'tfjs-node-gpu' | 'tfjs-node', string> = {
  'tfjs-node-gpu': '@tensorflow/tfjs-node-gpu',
  'tfjs-node': '@tensorflow/tfjs-node',
};

let current: Promise<DeviceSelection> | undefined;
let currentPreference: string | undefined;

/**
 * Picks the TensorFlow.js backend once per process: with `auto`, tfjs-node-gpu, then tfjs-node (both optional
 * packages, absent by default), then wasm, then cpu; naming a device forces it and fails if it is unavailable.
 * The backend is process-wide in tfjs, so asking again with another preference is an error.
 */
export function selectTfjsDevice(preference: 'auto' | TfjsDevice = 'auto'): Promise<DeviceSelection> {
  if (current) {
    if (preference !== 'auto' && currentPreference !== preference) {
      return current.then((selection) => {
        if (selection.device !== preference) {
          throw new MllrError(
            'ARGUMENT_INVALID',
            `TensorFlow.js already runs on ${selection.device} in this process; cannot switch to ${preference}`,
          );
        }
        return selection;
      });
    }
    return current;
  }
  currentPreference = preference;
  current = choose(preference);
  return current;
}

async function choose(preference: 'auto' | TfjsDevice): Promise<DeviceSelection> {
  const candidates = preference === 'auto' ? TFJS_DEVICES : [preference];
  const skipped: string[] = [];
  for (const device of candidates) {
    const problem = await tryDevice(device);
    if (problem === undefined) return { device, skipped };
    if (preference !== 'auto')
      throw new MllrError('PLUGIN_UNAVAILABLE', `TensorFlow.js device ${device} is not available: ${problem}`);
    skipped.push(`${device}: ${problem}`);
  }
  throw new MllrError('PLUGIN_UNAVAILABLE', `no TensorFlow.js device is available (${skipped.join('; ')})`);
}

async function tryDevice(device: TfjsDevice): Promise<string | undefined> {
  try {
    if (device === 'tfjs-node-gpu' || device === 'tfjs-node') {
      const specifier = NATIVE_PACKAGES[device];
      try {
        await import(specifier);
      } catch {
        return `${specifier} is not installed (optional; see the package README)`;
      }
      return (await tf.setBackend('tensorflow')) ? undefined : `${specifier} loaded but its backend did not start`;
    }
    if (device === 'wasm') registerMissingWasmKernels();
    if (!(await tf.setBackend(device))) return 'the backend did not start';
    await tf.ready();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
