import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MllrError, writeFileAtomic } from '@mllr/core';
import { TRAINED_SPECIAL_TOKENS, buildTokenizerFiles, type TokenizerFiles } from './tokenizer-files.js';

/**
 * The chat template of tokenizers trained here: `<s><|user|>prompt<|assistant|>reply</s>`. Turns sit directly
 * against the special tokens, so the generation prompt ends on `<|assistant|>` and the reply's first word is
 * tokenized the same way with or without the prompt before it (the byte-level pre-tokenizer gives every text
 * between special tokens a leading space).
 */
export const TRAINED_CHAT_TEMPLATE =
  "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}<|user|>{{ message['content'] }}" +
  "{% elif message['role'] == 'assistant' %}<|assistant|>{{ message['content'] }}{{ eos_token }}{% else %}{{ message['content'] }}{% endif %}" +
  '{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}';

/** Options of {@link trainByteLevelBpe}. */
export interface BpeTrainingOptions {
  /** Size of the whole vocabulary: special tokens + 256 byte symbols + merges (at least 262). */
  vocabSize: number;
  /** A pair is merged only when it occurs at least this often (default 2). */
  minFrequency?: number;
  /** `model_max_length` written to tokenizer_config.json (the model's context). */
  modelMaxLength?: number;
}

/** What a trained tokenizer is: the contents of tokenizer.json and tokenizer_config.json, and its merge count. */
export interface TrainedTokenizer extends TokenizerFiles {
  /** Merges learned (vocabSize − specials − 256 when the data had enough pairs). */
  merges: number;
}

/** GPT-2's pre-tokenization regex, exactly as @huggingface/tokenizers' ByteLevel pre-tokenizer uses it. */
const BYTE_LEVEL_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** GPT-2's reversible byte → printable character map (bytes that print as themselves keep their character). */
export const BYTE_TO_UNICODE: readonly string[] = (() => {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const out: string[] = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) out.push(String.fromCodePoint(printable(b) ? b : 256 + extra++));
  return out;
})();

const encoder = new TextEncoder();

/**
 * Splits one text into byte-level pre-tokens the way the written tokenizer.json does at encode time (ByteLevel with
 * `add_prefix_space`): a leading space is added, the GPT-2 regex splits words, and every UTF-8 byte becomes its
 * printable stand-in. Text between special tokens is pre-tokenized on its own, so pass each turn separately.
 */
export function byteLevelPreTokens(text: string): string[] {
  const spaced = text.startsWith(' ') ? text : ` ${text}`;
  return (spaced.match(BYTE_LEVEL_PATTERN) ?? []).map((piece) =>
    Array.from(encoder.encode(piece), (b) => BYTE_TO_UNICODE[b]!).join(''),
  );
}

/**
 * Trains a byte-level BPE tokenizer (the GPT-2 / RoBERTa kind) on `texts` and returns a standard Hugging Face
 * tokenizer.json that {@link loadTokenizer} (and Python's `tokenizers`) reads, plus a tokenizer_config.json with the
 * special tokens and {@link TRAINED_CHAT_TEMPLATE}. Every byte is in the vocabulary, so no text is ever unknown.
 *
 * The algorithm is the classic one: count pre-token frequencies, then repeatedly merge the most frequent adjacent
 * pair of symbols (ties: the pair whose symbols were created first, then the lower second symbol), until the vocabulary
 * is full or no pair occurs `minFrequency` times. Deterministic: the same texts give the same tokenizer.
 */
export function trainByteLevelBpe(texts: Iterable<string>, options: BpeTrainingOptions): TrainedTokenizer {
  const base = TRAINED_SPECIAL_TOKENS.length + 256;
  if (!Number.isSafeInteger(options.vocabSize) || options.vocabSize < base) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `a byte-level BPE vocabulary needs at least ${base} ids (6 special tokens + 256 bytes), got ${options.vocabSize}`,
    );
  }
  const minFrequency = options.minFrequency ?? 2;

  // Symbols: 0..255 are the byte characters; merges append. Words are unique pre-tokens with their counts.
  const symbols: string[] = [...BYTE_TO_UNICODE];
  const symbolId = new Map(symbols.map((s, i) => [s, i]));
  const counts = new Map<string, number>();
  for (const text of texts)
    for (const piece of byteLevelPreTokens(text)) counts.set(piece, (counts.get(piece) ?? 0) + 1);
  const words: number[][] = [];
  const freq: number[] = [];
  for (const [piece, n] of counts) {
    words.push(Array.from(piece, (ch) => symbolId.get(ch)!));
    freq.push(n);
  }

  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const key = (a: number, b: number) => a * 65536 + b;
  const heap = new PairHeap();
  const addPairs = (w: number, sign: 1 | -1) => {
    const word = words[w]!;
    for (let i = 0; i + 1 < word.length; i++) {
      const k = key(word[i]!, word[i + 1]!);
      const next = (pairCount.get(k) ?? 0) + sign * freq[w]!;
      if (next > 0) {
        pairCount.set(k, next);
        // Queued again at every new count; the entries left at older counts are skipped when popped.
        heap.push(next, k);
      } else pairCount.delete(k);
      if (sign > 0) {
        let set = pairWords.get(k);
        if (!set) pairWords.set(k, (set = new Set()));
        set.add(w);
      }
    }
  };
  for (let w = 0; w < words.length; w++) addPairs(w, 1);

  const merges: Array<[string, string]> = [];
  while (base + merges.length < options.vocabSize) {
    const top = heap.popCurrent(pairCount);
    if (top === undefined || top.count < minFrequency) break;
    const a = Math.floor(top.key / 65536);
    const b = top.key % 65536;
    const merged = symbols.length;
    if (merged >= 65536) break;
    symbols.push(symbols[a]! + symbols[b]!);
    merges.push([symbols[a]!, symbols[b]!]);
    const affected = pairWords.get(top.key) ?? new Set<number>();
    pairWords.delete(top.key);
    for (const w of affected) {
      const word = words[w]!;
      let has = false;
      for (let i = 0; i + 1 < word.length; i++) if (word[i] === a && word[i + 1] === b) has = true;
      if (!has) continue;
      addPairs(w, -1);
      const out: number[] = [];
      for (let i = 0; i < word.length; i++) {
        if (i + 1 < word.length && word[i] === a && word[i + 1] === b) {
          out.push(merged);
          i++;
        } else out.push(word[i]!);
      }
      words[w] = out;
      addPairs(w, 1);
    }
  }

  const byteLevel = { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true };
  const files = buildTokenizerFiles({
    symbols,
    model: (vocab) => ({
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges,
    }),
    preTokenizer: byteLevel,
    decoder: byteLevel,
    chatTemplate: TRAINED_CHAT_TEMPLATE,
    modelMaxLength: options.modelMaxLength ?? 128,
    cleanUpTokenizationSpaces: false,
  });
  return { ...files, merges: merges.length };
}

/** Writes tokenizer.json and tokenizer_config.json of a trained tokenizer into `dir` (atomically each). */
export async function writeTrainedTokenizer(
  dir: string,
  trained: Pick<TrainedTokenizer, 'tokenizer' | 'tokenizerConfig'>,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, 'tokenizer.json'), `${JSON.stringify(trained.tokenizer)}\n`);
  await writeFileAtomic(join(dir, 'tokenizer_config.json'), `${JSON.stringify(trained.tokenizerConfig, null, 2)}\n`);
}

/**
 * A max-heap of (count, pair) with lazy deletion: counts change all the time, so entries are pushed again at their
 * new count and stale ones are skipped when popped. Ties go to the smaller key (the pair of older symbols).
 */
class PairHeap {
  private readonly counts: number[] = [];
  private readonly keys: number[] = [];

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.counts.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** The best entry whose count is still current, or undefined when none is left. */
  popCurrent(current: ReadonlyMap<number, number>): { count: number; key: number } | undefined {
    while (this.counts.length > 0) {
      const count = this.counts[0]!;
      const key = this.keys[0]!;
      this.removeTop();
      if (current.get(key) === count && count > 0) return { count, key };
    }
    return undefined;
  }

  private removeTop(): void {
    const last = this.counts.length - 1;
    this.swap(0, last);
    this.counts.pop();
    this.keys.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < this.counts.length && this.before(l, best)) best = l;
      if (r < this.counts.length && this.before(r, best)) best = r;
      if (best === i) return;
      this.swap(i, best);
      i = best;
    }
  }

  private before(i: number, j: number): boolean {
    const ci = this.counts[i]!;
    const cj = this.counts[j]!;
    return ci > cj || (ci === cj && this.keys[i]! < this.keys[j]!);
  }

  private swap(i: number, j: number): void {
    [this.counts[i], this.counts[j]] = [this.counts[j]!, this.counts[i]!];
    [this.keys[i], this.keys[j]] = [this.keys[j]!, this.keys[i]!];
  }
}
