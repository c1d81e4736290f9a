import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Writes `content` to `name` in a fresh temp folder and returns the file's path. */
export function tempFile(name: string, content: string | Buffer): string {
  const file = join(mkdtempSync(join(tmpdir(), 'mllr-data-')), name);
  writeFileSync(file, content);
  return file;
}

/** All items of an async iterable, in order. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** A regular expression matching `text` literally (for file paths inside messages). */
export function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// The real datasets live beside the repository (never inside it): <repo>/../shared/data, or $MLLR_DATA_DIR.
const REPO_ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));

/** The folder with the real datasets, or undefined (after saying why on the console) when it is absent. */
export function realDataDir(suite: string): string | undefined {
  const dir = process.env['MLLR_DATA_DIR'] ?? join(REPO_ROOT, '..', 'shared', 'data');
  if (existsSync(dir)) return dir;
  console.warn(`${suite} skipped: no real datasets in ${dir} (set MLLR_DATA_DIR to the shared/data folder)`);
  return undefined;
}
