import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MllrError } from '../errors.js';
import type { ArtifactContent } from '../contracts/run-store.js';

/** Temp files carry this prefix so an interrupted write is recognisable and can be swept later. */
export const TEMP_PREFIX = '.mllr-tmp-';

/** The file-system calls an atomic write makes; tests pass failing ones to reach full or read-only disks. */
export interface AtomicWriteFs {
  mkdir: typeof nodeFs.mkdir;
  open: typeof nodeFs.open;
  rename: typeof nodeFs.rename;
  rm: typeof nodeFs.rm;
}

/** Error codes of a disk that cannot take the write (full, read-only, not ours). */
const UNWRITABLE = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM']);

/**
 * Writes `content` to `file` atomically: into a temp file in the same folder, fsync, then rename over the target.
 * A crash at any point leaves either the old file or the new one, never a partial file. Returns bytes written.
 * A full, read-only or forbidden disk is an ARTIFACT_WRITE error naming the file and what to do.
 */
export async function writeFileAtomic(
  file: string,
  content: ArtifactContent,
  fs: AtomicWriteFs = nodeFs,
): Promise<number> {
  const dir = dirname(file);
  const temp = join(dir, `${TEMP_PREFIX}${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}`);
  let handle: nodeFs.FileHandle;
  try {
    await fs.mkdir(dir, { recursive: true });
    handle = await fs.open(temp, 'wx');
  } catch (error) {
    throw unwritable(error, file);
  }
  let bytes = 0;
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
    await fs.rename(temp, file);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw unwritable(error, file);
  }
  await syncDir(dir);
  return bytes;
}

/** `error` as an ARTIFACT_WRITE error naming `file` when the disk refused the write; any other error as it is. */
function unwritable(error: unknown, file: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === undefined || !UNWRITABLE.has(code)) return error;
  return new MllrError(
    'ARTIFACT_WRITE',
    `cannot write ${file}: ${describeFsCode(code)}; nothing was changed. ${adviceFor(code)}`,
    { cause: error },
  );
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

/**
 * fsyncs the folder `dir`, so a rename into it (a file replaced atomically, a checkpoint folder moved into place)
 * survives a power cut. Best effort: not every platform allows fsync on a folder, and a failure is harmless.
 */
export async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await nodeFs.open(dir, 'r');
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

function adviceFor(code: string): string {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'Free some space, then rerun the same command on the same folder to resume.';
    case 'EROFS':
      return 'Make the file system writable or choose another --out, then rerun to resume.';
    default:
      return 'Give this user write access to the folder or choose another --out, then rerun to resume.';
  }
}
