import { MllrError } from '@mllr/core';
import { isJsonObject } from '../files/read-json-file.js';

/** The largest token id mllr accepts (2^24); real vocabularies stay below 300k. */
export const MAX_TOKEN_ID = (1 << 24) - 1;

/**
 * Checks the token ids of a tokenizer.json before @huggingface/tokenizers sees it: every id in `model.vocab` and
 * `added_tokens` must be an integer in [0, {@link MAX_TOKEN_ID}]. The library sizes tables by the largest id and
 * trusts them to be integers; a corrupt id made it hang or hand out `undefined` as a token id.
 */
export function checkTokenIds(json: Record<string, unknown>, file: string): void {
  const bad = (where: string, value: unknown) =>
    new MllrError(
      'CHECKPOINT_INVALID',
      `${file}: ${where} has id ${JSON.stringify(value) ?? String(value)}; token ids must be integers from 0 to ${MAX_TOKEN_ID}`,
    );
  const model = json['model'];
  const vocab = isJsonObject(model) ? model['vocab'] : undefined;
  if (isJsonObject(vocab)) {
    for (const [token, id] of Object.entries(vocab))
      if (!isTokenId(id)) throw bad(`model.vocab entry ${JSON.stringify(token)}`, id);
  }
  const added = json['added_tokens'];
  if (added !== undefined && added !== null) {
    if (!Array.isArray(added)) throw new MllrError('CHECKPOINT_INVALID', `${file}: added_tokens must be a list`);
    added.forEach((token: unknown, i) => {
      if (!isJsonObject(token) || typeof token['content'] !== 'string') {
        throw new MllrError(
          'CHECKPOINT_INVALID',
          `${file}: added_tokens[${i}] must be an object with a string "content"`,
        );
      }
      if (!isTokenId(token['id'])) throw bad(`added_tokens[${i}] (${JSON.stringify(token['content'])})`, token['id']);
    });
  }
}

function isTokenId(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_TOKEN_ID;
}
