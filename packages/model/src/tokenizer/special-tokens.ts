import { MllrError } from '@mllr/core';
import { isJsonObject } from '../files/read-json-file.js';

/** The content of a special-token entry of tokenizer_config.json: a string or an AddedToken-like `{ content }`. */
export function tokenContent(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isJsonObject(value) && typeof value['content'] === 'string') return value['content'];
  return undefined;
}

/**
 * The id of special token `field` (`bos_token`, …) of tokenizer_config.json, or undefined when it is not set.
 * A token that is set but not in the vocabulary is CHECKPOINT_INVALID: silently dropping it would, for instance,
 * leave generation without its stop token.
 */
export function specialTokenId(
  tokenizerConfig: Record<string, unknown>,
  field: string,
  file: string,
  toId: (token: string) => number | undefined,
): number | undefined {
  const token = tokenContent(tokenizerConfig[field]);
  if (token === undefined) return undefined;
  const id = toId(token);
  if (id === undefined) {
    throw new MllrError(
      'CHECKPOINT_INVALID',
      `${file}: ${field} ${JSON.stringify(token)} is not in the tokenizer's vocabulary`,
    );
  }
  return id;
}

/** Token ids from config.json's `bos_token_id`-style fields: a non-negative integer or a list of them. */
export function configTokenIds(value: unknown): number[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);
}
