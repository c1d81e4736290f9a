import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SPECIAL = ['<s>', '</s>', '<unk>', '<|user|>', '<|assistant|>', '<|system|>'];
const PIECES = ['▁', 'h', 'e', 'l', 'o', 'w', 'r', 'd', 'i', '▁h', '▁he', 'll', '▁hell', '▁hello'];
PIECES.push('▁w', '▁wo', '▁wor', '▁worl', '▁world', '▁hi');
// Merge rules in priority order, as `left right` pairs.
const MERGES = ['▁ h', '▁h e', 'l l', '▁he ll', '▁hell o', '▁ w', '▁w o', '▁wo r', '▁wor l', '▁worl d', '▁h i'].map(
  (m) => m.split(' '),
);

/** Token ids of the tiny tokenizer, for assertions. */
export const TINY_IDS = Object.fromEntries([...SPECIAL, ...PIECES].map((t, i) => [t, i])) as Record<string, number>;

/** A sentencepiece-style BPE tokenizer.json (Metaspace pre-tokenizer and decoder, BOS added by a template). */
export function tinyTokenizerJson(): Record<string, unknown> {
  const metaspace = { replacement: '▁', prepend_scheme: 'always', split: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map((content, id) => {
      return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
    }),
    normalizer: null,
    pre_tokenizer: { type: 'Metaspace', ...metaspace },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '<s>', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
      ],
      special_tokens: { '<s>': { id: '<s>', ids: [0], tokens: ['<s>'] } },
    },
    decoder: { type: 'Metaspace', ...metaspace },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<unk>',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: TINY_IDS,
      merges: MERGES,
    },
  };
}

/** A Zephyr-like chat template: `<|role|>` headers, each message closed by the EOS token. */
export const TINY_CHAT_TEMPLATE =
  "{{ bos_token }}{% for message in messages %}<|{{ message['role'] }}|>\n{{ message['content'] }}{{ eos_token }}\n{% endfor %}" +
  '{% if add_generation_prompt %}<|assistant|>\n{% endif %}';

/** Writes tokenizer.json and tokenizer_config.json (with `configOverrides`) into `dir`. */
export function writeTinyTokenizer(dir: string, configOverrides: Record<string, unknown> = {}): void {
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tinyTokenizerJson()));
  const config = {
    tokenizer_class: 'LlamaTokenizerFast',
    bos_token: {
      __type: 'AddedToken',
      content: '<s>',
      lstrip: false,
      normalized: false,
      rstrip: false,
      single_word: false,
    },
    eos_token: '</s>',
    unk_token: '<unk>',
    pad_token: null,
    chat_template: TINY_CHAT_TEMPLATE,
    ...configOverrides,
  };
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(config));
}
