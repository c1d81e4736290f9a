import { SMALL_CHAT_DIR, SMALL_CHAT_NAME } from '@mllr/small-chat';
import { TINY_CHAT_DIR, TINY_CHAT_NAME } from '@mllr/tiny-chat';

/**
 * The models that ship with mllr, by the name a config or the command line uses for them (`model.path: tiny-chat`,
 * `--model small-chat`): each package exports its name and folder, and this table is the one place that lists them.
 */
export const EMBEDDED_MODELS: ReadonlyMap<string, string> = new Map([
  [TINY_CHAT_NAME, TINY_CHAT_DIR],
  [SMALL_CHAT_NAME, SMALL_CHAT_DIR],
]);

/** The folder of the embedded model called `name`, or undefined when no embedded model has that name. */
export function embeddedModelDir(name: string): string | undefined {
  return EMBEDDED_MODELS.get(name);
}
