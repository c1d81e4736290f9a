import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MllrError } from './errors.js';
import type { ArtifactContent } from './contracts/run-store.js';

/** Temp files carry this prefix so an interrupted write is recognisable and can be swept later. */
export const TEMP_PREFIX = '.mllr-tmp-';

/**
 * Writes `content` to `file` atomically: into a temp file in the same folder, fsync, then rename over the target.
 * A crash at any point leaves either the old file or the new one, never a partial file. Returns bytes written.
 */
export async function writeFileAtomic(file: string, content: ArtifactContent): Promise<number> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `${TEMP_PREFIX}${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}`);
  let bytes = 0;
  const handle = await open(temp, 'wx');
  try {
    if (typeof content === 'string' || content instanceof Uint8Array) {
      const buffer = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      await handle.writeFile(buffer);
      bytes = buffer.byteLength;
    } else {
      for await (const chunk of content) {
        const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        await handle.write(buffer);
        bytes += buffer.byteLength;
      }
    }
    await handle.sync();
    await handle.close();
    await rename(temp, file);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EROFS' || code === 'EACCES' || code === 'EPERM' || code === 'EDQUOT') {
      throw new MllrError('ARTIFACT_WRITE', `cannot write ${file}: ${describeFsCode(code)}; nothing was changed`, { cause: error });
    }
    throw error;
  }
  await syncDir(dir);
  return bytes;
}

/** Removes temp files left by writes that were killed mid-way (SIGKILL leaves no chance to clean up). */
export async function sweepTempFiles(dir: string): Promise<string[]> {
  const removed: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch {
    return removed;
  }
  for (const entry of entries) {
    if (entry.isFile() && entry.name.startsWith(TEMP_PREFIX)) {
      const path = join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name);
      await rm(path, { force: true });
      removed.push(path);
    }
  }
  return removed;
}

async function syncDir(dir: string): Promise<void> {
  // Makes the rename itself durable; not every platform allows fsync on a folder, so failure is harmless.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* best effort */
  }
}

function describeFsCode(code: string): string {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full';
    case 'EROFS':
      return 'the file system is read-only';
    default:
      return 'permission denied';
  }
}
