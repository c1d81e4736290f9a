import { createHash } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** A commit hash for tests, derived from a label so each test's commits differ. */
export function fakeCommit(label: string): string {
  return createHash('sha1').update(label).digest('hex');
}

/**
 * Lays a model out in a Hugging Face cache folder as huggingface_hub does: each file's bytes in `blobs/<sha256>`,
 * `snapshots/<commit>/<file>` a relative symlink to it, and `refs/<revision>` holding the commit (unless
 * `revision` is undefined: a snapshot reachable only by its hash). Returns the snapshot folder.
 */
export function layOutHubCache(
  cacheDir: string,
  repo: string,
  files: Record<string, string | Uint8Array>,
  options: { commit: string; revision?: string | undefined },
): string {
  const repoDir = join(cacheDir, `models--${repo.replace('/', '--')}`);
  const snapshot = join(repoDir, 'snapshots', options.commit);
  for (const [name, content] of Object.entries(files)) {
    const blob = join(repoDir, 'blobs', createHash('sha256').update(content).digest('hex'));
    mkdirSync(dirname(blob), { recursive: true });
    writeFileSync(blob, content);
    const link = join(snapshot, name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(relative(dirname(link), blob), link);
  }
  mkdirSync(snapshot, { recursive: true });
  if (options.revision !== undefined) {
    const ref = join(repoDir, 'refs', options.revision);
    mkdirSync(dirname(ref), { recursive: true });
    writeFileSync(ref, options.commit);
  }
  return snapshot;
}
