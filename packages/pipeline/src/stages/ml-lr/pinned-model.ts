import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MllrError, toMllrError } from '@mllr/core';
import { formatHubId, parseHubId } from '@mllr/model';
import { resolveModelSource, type HubRecord, type ModelSource } from '../../models/resolve-model-dir.js';
import type { BaseArtifact } from './artifacts.js';

/**
 * `model.path` of a run resolved as the run folder requires: a Hub id that the folder's base.json already records
 * keeps that commit, so resuming or extending a run reads the weights it started with even when the branch has
 * moved since (a finished run's results are never recomputed on other weights); a new folder, or a config naming
 * another id or revision, follows the cache's refs. Without a run folder (`runDir` undefined) it is plain
 * {@link resolveModelSource}.
 */
export function runModelSource(path: string, configDir: string, runDir: string | undefined): ModelSource {
  const pinned = runDir === undefined ? undefined : recordedHub(path, runDir);
  if (!pinned) return resolveModelSource(path, configDir);
  try {
    const source = resolveModelSource(`${pinned.repo}@${pinned.commit}`, configDir);
    return {
      given: path,
      dir: source.dir,
      ...(source.hub ? { hub: { ...source.hub, id: pinned.id, revision: pinned.revision } } : {}),
    };
  } catch (error) {
    throw new MllrError(
      'CHECKPOINT_INVALID',
      `${join(runDir!, 'base.json')}: this run started on ${pinned.id} at commit ${pinned.commit}, which the Hugging Face cache no longer has ` +
        `(${toMllrError(error).message}); put that snapshot back (\`huggingface-cli download ${pinned.repo} --revision ${pinned.commit}\`) or start a new run folder`,
      { cause: error },
    );
  }
}

/** The Hub record of the folder's base.json when it is for the id `path` names. */
function recordedHub(path: string, runDir: string): HubRecord | undefined {
  const id = parseHubId(path);
  if (!id) return undefined;
  let base: Partial<BaseArtifact>;
  try {
    base = JSON.parse(readFileSync(join(runDir, 'base.json'), 'utf8')) as Partial<BaseArtifact>;
  } catch {
    return undefined; // no base stage yet (or an unreadable record, which the base stage rewrites)
  }
  return base.hub?.id === formatHubId(id) && /^[0-9a-f]{40}$/.test(base.hub.commit) ? base.hub : undefined;
}
