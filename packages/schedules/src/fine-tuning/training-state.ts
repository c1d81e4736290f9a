import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MllrError, TEMP_PREFIX, syncDir, writeFileAtomic, type NamedTensor, type OptimizerState } from '@mllr/core';
import type { DataOrderState } from './batch-order.js';
import type { CurvePoint } from './curve-point.js';

/** Version tag of the checkpoint layout; a checkpoint with another is ignored. */
export const CHECKPOINT_FORMAT = 'mllr-ift-checkpoint/v1';
const STATE_FILE = 'state.json';
const TENSORS_FILE = 'tensors.bin';
const STEP_DIR = /^step-(\d+)$/;

/**
 * Everything a fine-tuning run needs to go on from `step` exactly as if it had never stopped. It is saved as a training
 * checkpoint, a `step-<n>` folder in `checkpointDir` (state.json and tensors.bin); the fine-tuned model itself is a
 * Hugging Face folder written to `saveTo`, and stopping is `throwIfStopped`.
 */
export interface TrainingState {
  /** Hash of the run's inputs; a checkpoint of other inputs is never resumed. */
  fingerprint: string;
  /** Steps done: training continues with this step. */
  step: number;
  dataOrder: DataOrderState;
  weights: NamedTensor[];
  optimizer: OptimizerState;
  /** The curve of steps [0, step). */
  curve: CurvePoint[];
}

/** Where one tensor lies in tensors.bin (float32 values from `offset`, in values). */
interface TensorEntry {
  name: string;
  shape?: number[];
  steps?: number;
  offset: number;
  length: number;
}

/** state.json of a checkpoint folder. */
interface StateFile {
  format: string;
  fingerprint: string;
  step: number;
  dataOrder: DataOrderState;
  rates: Record<string, number>;
  weights: TensorEntry[];
  /** Per tensor with optimizer state: m at `offset`, v right after it. */
  moments: TensorEntry[];
  curve: CurvePoint[];
  tensorsSha256: string;
  tensorsBytes: number;
}

/** Folder name of the checkpoint after `step` steps (zero-padded, so names sort by step). */
export function checkpointFolderName(step: number): string {
  return `step-${String(step).padStart(8, '0')}`;
}

/**
 * Saves a checkpoint atomically: every file goes into a temp folder that is renamed to `step-<n>` only once complete
 * (state.json last, with the SHA-256 of the tensor data), then older checkpoints are removed. A kill at any point
 * leaves the previous checkpoint, or a temp folder that {@link findTrainingState} removes.
 */
export async function saveTrainingState(dir: string, checkpoint: TrainingState): Promise<string> {
  await mkdir(dir, { recursive: true });
  const temp = join(
    dir,
    `${TEMP_PREFIX}${checkpointFolderName(checkpoint.step)}.${process.pid}.${randomBytes(4).toString('hex')}`,
  );
  const final = join(dir, checkpointFolderName(checkpoint.step));
  try {
    await mkdir(temp);
    const weights: TensorEntry[] = [];
    const moments: TensorEntry[] = [];
    const chunks: Float32Array[] = [];
    let offset = 0;
    const add = (data: Float32Array) => {
      chunks.push(data);
      offset += data.length;
    };
    for (const t of checkpoint.weights) {
      weights.push({ name: t.name, shape: t.shape, offset, length: t.data.length });
      add(t.data);
    }
    for (const t of checkpoint.optimizer.tensors) {
      moments.push({ name: t.name, steps: t.steps, offset, length: t.m.length });
      add(t.m);
      add(t.v);
    }
    const hash = createHash('sha256');
    let bytes = 0;
    async function* content(): AsyncIterable<Uint8Array> {
      for (const chunk of chunks) {
        const view = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        hash.update(view);
        bytes += view.byteLength;
        yield view;
      }
    }
    await writeFileAtomic(join(temp, TENSORS_FILE), content());
    const state: StateFile = {
      format: CHECKPOINT_FORMAT,
      fingerprint: checkpoint.fingerprint,
      step: checkpoint.step,
      dataOrder: checkpoint.dataOrder,
      rates: checkpoint.optimizer.rates,
      weights,
      moments,
      curve: checkpoint.curve,
      tensorsSha256: hash.digest('hex'),
      tensorsBytes: bytes,
    };
    await writeFileAtomic(join(temp, STATE_FILE), `${JSON.stringify(state)}\n`);
    await rm(final, { recursive: true, force: true });
    await rename(temp, final);
    await syncDir(dir);
  } catch (error) {
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
  for (const entry of await readdir(dir)) {
    if (STEP_DIR.test(entry) && join(dir, entry) !== final)
      await rm(join(dir, entry), { recursive: true, force: true });
  }
  return final;
}

/**
 * The newest checkpoint in `dir` whose fingerprint matches and whose files are complete and intact. Leftover temp
 * folders of a killed save are removed; a checkpoint that is corrupt, partial or of other inputs is skipped with a
 * line to `log`, never trusted.
 */
export async function findTrainingState(
  dir: string,
  fingerprint: string,
  log: (message: string) => void,
): Promise<TrainingState | undefined> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return undefined;
  }
  for (const entry of entries.filter((e) => e.startsWith(TEMP_PREFIX)))
    await rm(join(dir, entry), { recursive: true, force: true });
  const steps = entries
    .filter((e) => STEP_DIR.test(e))
    .sort()
    .reverse();
  for (const entry of steps) {
    const path = join(dir, entry);
    try {
      return await readTrainingState(path, fingerprint);
    } catch (error) {
      log(`ignoring checkpoint ${path}: ${(error as Error).message}`);
    }
  }
  return undefined;
}

/** Removes every checkpoint in `dir`, and `dir` itself when nothing else is left in it (the run has finished). */
export async function removeTrainingStates(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (STEP_DIR.test(entry) || entry.startsWith(TEMP_PREFIX))
      await rm(join(dir, entry), { recursive: true, force: true });
  }
  await rmdir(dir).catch(() => undefined);
}

async function readTrainingState(path: string, fingerprint: string): Promise<TrainingState> {
  let state: StateFile;
  try {
    state = JSON.parse(await readFile(join(path, STATE_FILE), 'utf8')) as StateFile;
  } catch (error) {
    throw new MllrError('ARTIFACT_INVALID', `${STATE_FILE} is missing or not valid JSON (${(error as Error).message})`);
  }
  if (state.format !== CHECKPOINT_FORMAT)
    throw new MllrError('ARTIFACT_INVALID', `format ${String(state.format)} is not ${CHECKPOINT_FORMAT}`);
  if (state.fingerprint !== fingerprint)
    throw new MllrError('ARTIFACT_INVALID', 'it was taken with other inputs (model, data, schedule or settings)');
  const buffer = await readFile(join(path, TENSORS_FILE));
  if (buffer.byteLength !== state.tensorsBytes)
    throw new MllrError(
      'ARTIFACT_INVALID',
      `${TENSORS_FILE} has ${buffer.byteLength} bytes, not ${state.tensorsBytes}`,
    );
  if (createHash('sha256').update(buffer).digest('hex') !== state.tensorsSha256)
    throw new MllrError('ARTIFACT_INVALID', `${TENSORS_FILE} does not match its checksum`);
  const values = new Float32Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
  const at = (offset: number, length: number) => {
    if (offset < 0 || offset + length > values.length)
      throw new MllrError('ARTIFACT_INVALID', `a tensor lies outside ${TENSORS_FILE}`);
    return values.slice(offset, offset + length);
  };
  return {
    fingerprint,
    step: state.step,
    dataOrder: state.dataOrder,
    weights: state.weights.map((w) => ({ name: w.name, shape: w.shape ?? [w.length], data: at(w.offset, w.length) })),
    optimizer: {
      rates: state.rates,
      tensors: state.moments.map((t) => ({
        name: t.name,
        steps: t.steps ?? 0,
        m: at(t.offset, t.length),
        v: at(t.offset + t.length, t.length),
      })),
    },
    curve: state.curve,
  };
}
