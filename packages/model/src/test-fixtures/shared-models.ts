import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// <repo>/packages/model/src/test-fixtures/ → <repo>/
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * The folder of real model metadata (config, tokenizer, chat template; no weights): $MLLR_SHARED_MODELS, else
 * `../shared/models` beside the repository, the same rule as tools/make-random-model.ts. Never copied into the repo.
 */
export function sharedModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['MLLR_SHARED_MODELS'];
  return fromEnv !== undefined && fromEnv !== '' ? resolve(fromEnv) : join(REPO_ROOT, '..', 'shared', 'models');
}

/** The folder of one real model, or undefined (with a warning naming where it looked) when it is absent. */
export function sharedModel(name: string, purpose: string): string | undefined {
  const dir = join(sharedModelsDir(), name);
  if (existsSync(join(dir, 'tokenizer.json'))) return dir;
  console.warn(`skipping ${purpose}: ${dir} is absent (set MLLR_SHARED_MODELS to the folder of real model metadata)`);
  return undefined;
}
