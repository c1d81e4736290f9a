import { isAbsolute, resolve } from 'node:path';
import { TINY_CHAT_DIR, TINY_CHAT_NAME } from '@mllr/tiny-chat';

/** The folder of a model named in a config or on the command line: `tiny-chat` is the embedded model. */
export function resolveModelDir(path: string, baseDir = process.cwd()): string {
  if (path === TINY_CHAT_NAME) return TINY_CHAT_DIR;
  return isAbsolute(path) ? path : resolve(baseDir, path);
}
