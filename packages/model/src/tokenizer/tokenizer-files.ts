/** Special tokens of tokenizers mllr builds (byte-level BPE, the embedded world's word level), in id order. */
export const TRAINED_SPECIAL_TOKENS = ['<pad>', '<s>', '</s>', '<unk>', '<|user|>', '<|assistant|>'] as const;

/** The contents of tokenizer.json and tokenizer_config.json of a tokenizer mllr builds. */
export interface TokenizerFiles {
  tokenizer: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
  /** Number of ids, special tokens included. */
  vocabSize: number;
}

/** What differs between the tokenizers mllr builds; everything else in the two files is the same. */
export interface TokenizerFilesSpec {
  /** The vocabulary after the special tokens, in id order (ids start at `TRAINED_SPECIAL_TOKENS.length`). */
  symbols: readonly string[];
  /** tokenizer.json's `model` section, given the full vocabulary (special tokens first). */
  model(vocab: Record<string, number>): Record<string, unknown>;
  preTokenizer: Record<string, unknown>;
  decoder: Record<string, unknown> | null;
  /** Jinja chat template written to tokenizer_config.json. */
  chatTemplate: string;
  /** `model_max_length` of tokenizer_config.json (the model's context). */
  modelMaxLength: number;
  /** Written only when given: transformers' default differs between versions, so a tokenizer that needs it says so. */
  cleanUpTokenizationSpaces?: boolean;
}

/**
 * Builds the two Hugging Face tokenizer files for a vocabulary of {@link TRAINED_SPECIAL_TOKENS} (as added special
 * tokens, ids 0–5, with `<s>`/`</s>`/`<pad>`/`<unk>` as bos/eos/pad/unk) followed by `spec.symbols`.
 */
export function buildTokenizerFiles(spec: TokenizerFilesSpec): TokenizerFiles {
  const vocab: Record<string, number> = {};
  TRAINED_SPECIAL_TOKENS.forEach((token, id) => (vocab[token] = id));
  spec.symbols.forEach((symbol, i) => (vocab[symbol] = TRAINED_SPECIAL_TOKENS.length + i));
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: TRAINED_SPECIAL_TOKENS.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: spec.preTokenizer,
    post_processor: null,
    decoder: spec.decoder,
    model: spec.model(vocab),
  };
  const tokenizerConfig = {
    bos_token: '<s>',
    eos_token: '</s>',
    pad_token: '<pad>',
    unk_token: '<unk>',
    add_bos_token: false,
    ...(spec.cleanUpTokenizationSpaces !== undefined && {
      clean_up_tokenization_spaces: spec.cleanUpTokenizationSpaces,
    }),
    model_max_length: spec.modelMaxLength,
    chat_template: spec.chatTemplate,
    tokenizer_class: 'PreTrainedTokenizerFast',
  };
  return { tokenizer, tokenizerConfig, vocabSize: Object.keys(vocab).length };
}
