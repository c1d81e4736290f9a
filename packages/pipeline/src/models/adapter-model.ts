import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { saveMergedCheckpoint } from '@mllr/model';

/** A temporary model folder; `dispose` removes it. */
export interface TemporaryModel {
  dir: string;
  dispose(): Promise<void>;
}

/**
 * `modelDir` with the PEFT LoRA adapter of `adapterDir` merged in (W + s·B·A), written to a temporary folder named
 * `<model>+<adapter>` (the adapter's parent folder's name when the adapter folder is called `adapter`), so every engine
 * and every command that reads a model folder evaluates or generates with the adapter. Unsupported PEFT options are
 * refused by name (readPeftAdapter).
 */
export async function mergedAdapterModel(modelDir: string, adapterDir: string): Promise<TemporaryModel> {
  const parent = await mkdtemp(join(tmpdir(), 'mllr-adapter-'));
  const adapterName = basename(adapterDir) === 'adapter' ? basename(dirname(adapterDir)) : basename(adapterDir);
  const dir = join(parent, `${basename(modelDir)}+${adapterName}`);
  const dispose = () => rm(parent, { recursive: true, force: true });
  try {
    await saveMergedCheckpoint(modelDir, adapterDir, dir);
  } catch (error) {
    await dispose();
    throw error;
  }
  return { dir, dispose };
}
