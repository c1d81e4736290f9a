import type { ChatSample, EvalSample } from '@mllr/core';
import { TRAINED_SPECIAL_TOKENS, buildTokenizerFiles, type TokenizerFiles } from '@mllr/model';
import type { World } from './build-world.js';

/** Special tokens of the world's tokenizer, in id order: the same ids as every tokenizer mllr trains. */
export const WORLD_SPECIAL_TOKENS = TRAINED_SPECIAL_TOKENS;

/**
 * The chat template of models trained on the world (Jinja, as in tokenizer_config.json): a user turn after
 * `<|user|>`, the reply after `<|assistant|>`, ended by the eos token.
 */
export const WORLD_CHAT_TEMPLATE =
  "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %} <|user|> {{ message['content'] }}" +
  "{% elif message['role'] == 'assistant' %} <|assistant|> {{ message['content'] }} {{ eos_token }}{% else %} {{ message['content'] }}{% endif %}" +
  '{% endfor %}{% if add_generation_prompt %} <|assistant|>{% endif %}';

/** tokenizer.json and tokenizer_config.json contents for a word-level tokenizer over the world's text. */
export type WorldTokenizerFiles = TokenizerFiles;

/**
 * Builds a standard Hugging Face tokenizer (WordLevel model, Whitespace pre-tokenizer, special tokens as added
 * tokens) whose vocabulary is every word and punctuation mark of the world, sorted, after the special tokens, plus
 * the digits 0–99 so any small number is a single token. `reserve` ids are left for words added later.
 */
export function buildWorldTokenizer(world: World): WorldTokenizerFiles {
  const words = new Set<string>();
  const add = (text: string | undefined) => {
    if (!text) return;
    for (const w of text.match(/\w+|[^\w\s]+/g) ?? []) words.add(w);
  };
  const all: Array<ChatSample | EvalSample> = [
    ...Object.values(world.base).flat(),
    ...world.ift.train,
    ...Object.values(world.eval).flat(),
  ];
  for (const s of all) {
    add(s.prompt);
    add((s as ChatSample).response);
    add((s as EvalSample).answer);
  }
  for (let n = 0; n < 100; n++) words.add(String(n));
  for (const special of WORLD_SPECIAL_TOKENS) words.delete(special);
  return buildTokenizerFiles({
    symbols: [...words].sort(),
    model: (vocab) => ({ type: 'WordLevel', vocab, unk_token: '<unk>' }),
    preTokenizer: { type: 'Whitespace' },
    decoder: null,
    chatTemplate: WORLD_CHAT_TEMPLATE,
    modelMaxLength: 128,
  });
}
