/** The part of a tokenizer the classifier needs: text to ids, with or without the model's special tokens. */
export interface ClassifierTokenizer {
  encode(text: string, options?: { addSpecialTokens?: boolean }): number[];
  readonly padTokenId?: number;
}

/**
 * Token ids of `text` for a classifier, at most `maxLength` long. Long texts keep their start; the special tokens the
 * tokenizer adds around the text (`[CLS] … [SEP]`, `<s> … </s>`) are kept at both ends, which is found by encoding
 * once with and once without them.
 */
export function encodeTruncated(tokenizer: ClassifierTokenizer, text: string, maxLength: number): number[] {
  const full = tokenizer.encode(text, { addSpecialTokens: true });
  if (full.length <= maxLength) return full;
  const plain = tokenizer.encode(text, { addSpecialTokens: false });
  const prefix = specialPrefixLength(full, plain);
  if (prefix === undefined) return full.slice(0, maxLength);
  const suffix = full.slice(prefix + plain.length);
  const room = maxLength - prefix - suffix.length;
  if (room <= 0) return full.slice(0, maxLength);
  return [...full.slice(0, prefix), ...plain.slice(0, room), ...suffix];
}

/** Where `plain` sits inside `full` (the number of leading special tokens), or undefined when it does not. */
function specialPrefixLength(full: readonly number[], plain: readonly number[]): number | undefined {
  for (let start = 0; start + plain.length <= full.length; start++) {
    let same = true;
    for (let i = 0; i < plain.length && same; i++) same = full[start + i] === plain[i];
    if (same) return start;
  }
  return undefined;
}
