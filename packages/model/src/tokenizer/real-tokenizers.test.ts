// The real tokenizers and chat templates of SmolLM2-135M-Instruct and Qwen2.5-0.5B-Instruct (../shared/models, never
// copied into the repository). Reference ids come from files other than tokenizer.json: the added tokens of
// tokenizer_config.json, the slow tokenizer's vocab.json, and the encodings ../shared/models/SOURCES.md documents.
// The expected renders were derived by hand from each template's text and are written out as literals.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '@mllr/core';
import { sharedModel } from '../test-fixtures/shared-models.js';
import { loadTokenizer } from './load-tokenizer.js';
import { BYTE_TO_UNICODE } from './train-bpe.js';

interface RealModel {
  name: string;
  /** Whole words (pre-tokens) the vocabulary holds as single tokens, looked up in vocab.json. */
  wholeWords: string[];
  /** The tokens that end generation, by their text: tokenizer_config.json's eos_token, then generation_config.json's. */
  eosTokens: string[];
  /** What the template renders, by conversation (the generation prompt on unless the name says otherwise). */
  renders: Record<'oneTurn' | 'oneTurnSystem' | 'twoTurns' | 'twoTurnsSystem' | 'oneTurnNoGenerationPrompt', string>;
}

const SYSTEM = 'You are a concise baker.';
const Q1 = 'How do I bake bread?';
const A1 = 'Mix flour, water, yeast and salt; knead; let it rise; bake at 230 °C.';
const Q2 = 'How long should it rise?';

const CONVERSATIONS: Record<keyof RealModel['renders'], { messages: ChatMessage[]; addGenerationPrompt: boolean }> = {
  oneTurn: { messages: [{ role: 'user', content: Q1 }], addGenerationPrompt: true },
  oneTurnSystem: {
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: Q1 },
    ],
    addGenerationPrompt: true,
  },
  twoTurns: {
    messages: [
      { role: 'user', content: Q1 },
      { role: 'assistant', content: A1 },
      { role: 'user', content: Q2 },
    ],
    addGenerationPrompt: true,
  },
  twoTurnsSystem: {
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: Q1 },
      { role: 'assistant', content: A1 },
      { role: 'user', content: Q2 },
    ],
    addGenerationPrompt: true,
  },
  oneTurnNoGenerationPrompt: { messages: [{ role: 'user', content: Q1 }], addGenerationPrompt: false },
};

const MODELS: RealModel[] = [
  {
    name: 'SmolLM2-135M-Instruct',
    wholeWords: ['Hello', ' bread', ' bake', ' function', '\n\n', '   '],
    eosTokens: ['<|im_end|>'],
    // {% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}<default system>{% endif %}
    // '<|im_start|>' + role + '\n' + content + '<|im_end|>\n' … {% if add_generation_prompt %}'<|im_start|>assistant\n'
    renders: {
      oneTurn:
        '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' +
        '<|im_start|>user\nHow do I bake bread?<|im_end|>\n' +
        '<|im_start|>assistant\n',
      oneTurnSystem:
        '<|im_start|>system\nYou are a concise baker.<|im_end|>\n' +
        '<|im_start|>user\nHow do I bake bread?<|im_end|>\n' +
        '<|im_start|>assistant\n',
      twoTurns:
        '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' +
        '<|im_start|>user\nHow do I bake bread?<|im_end|>\n' +
        '<|im_start|>assistant\nMix flour, water, yeast and salt; knead; let it rise; bake at 230 °C.<|im_end|>\n' +
        '<|im_start|>user\nHow long should it rise?<|im_end|>\n' +
        '<|im_start|>assistant\n',
      twoTurnsSystem:
        '<|im_start|>system\nYou are a concise baker.<|im_end|>\n' +
        '<|im_start|>user\nHow do I bake bread?<|im_end|>\n' +
        '<|im_start|>assistant\nMix flour, water, yeast and salt; knead; let it rise; bake at 230 °C.<|im_end|>\n' +
        '<|im_start|>user\nHow long should it rise?<|im_end|>\n' +
        '<|im_start|>assistant\n',
      oneTurnNoGenerationPrompt:
        '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' +
        '<|im_start|>user\nHow do I bake bread?<|im_end|>\n',
    },
  },
  {
    name: 'Qwen2.5-0.5B-Instruct',
    wholeWords: ['Hello', ' bread', ' bake', ' function', '\n\n', '   ', '你好'],
    eosTokens: ['<|im_end|>', '<|endoftext|>'],
    // No tools: messages[0] is the system turn if it is one, else the default system prompt; then every user turn,
    // later system turn and assistant turn without tool calls as '<|im_start|>' + role + '\n' + content + '<|im_end|>\n'.
    renders: {
      oneTurn:
        '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n' +
        '<|im_start|>user\nHow do I bake bread?<|im_end|>\n' +
        '<|im_start|>assistant\n',
      oneTurnSystem:
        '<|im_start|>system\nYou are a concise baker.<|im_end|>\n' +
        '<|im_start|>user\nHow do I bake bread?<|im_end|>\n' +
        '<|im_start|>assistant\n',
      twoTurns:
        '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n' +
        '<|im_start|>user\nHow do I bake bread?<|im_end|>\n' +
        '<|im_start|>assistant\nMix flour, water, yeast and salt; knead; let it rise; bake at 230 °C.<|im_end|>\n' +
        '<|im_start|>user\nHow long should it rise?<|im_end|>\n' +
        '<|im_start|>assistant\n',
      twoTurnsSystem:
        '<|im_start|>system\nYou are a concise baker.<|im_end|>\n' +
        '<|im_start|>user\nHow do I bake bread?<|im_end|>\n' +
        '<|im_start|>assistant\nMix flour, water, yeast and salt; knead; let it rise; bake at 230 °C.<|im_end|>\n' +
        '<|im_start|>user\nHow long should it rise?<|im_end|>\n' +
        '<|im_start|>assistant\n',
      oneTurnNoGenerationPrompt:
        '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n' +
        '<|im_start|>user\nHow do I bake bread?<|im_end|>\n',
    },
  },
];

/** "Hello, how do I bake bread?" without special tokens, as ../shared/models/SOURCES.md documents it. */
const DOCUMENTED_IDS: Record<string, number[]> = {
  'SmolLM2-135M-Instruct': [19556, 28, 638, 536, 339, 26975, 6956, 47],
  'Qwen2.5-0.5B-Instruct': [9707, 11, 1246, 653, 358, 22544, 16002, 30],
};

/** Texts that exercise byte-level BPE: ASCII, accents, emoji sequences, CJK and Hangul, code with whitespace runs. */
const TEXTS = [
  'Hello, how do I bake bread?',
  'Crème brûlée, façade, naïve, Ångström, Straße, İstanbul, ğüşıöç',
  'Emoji: 😀👍🏽 👨‍👩‍👧 🇫🇷! ✓ ∑ ≠',
  '你好，世界。日本語のテキスト、한국어 문장.',
  'def bake(loaf):\n    if loaf:\n\t\treturn  "crust"   # two spaces\n\n\n    x = [1,  2,\t3]\r\n',
  '   spaced   out   ',
  'ids 0123456789 and 3.14159e-10',
];

const UNICODE_TO_BYTE = new Map(BYTE_TO_UNICODE.map((char, byte) => [char, byte]));
const byteLevel = (text: string): string =>
  Array.from(new TextEncoder().encode(text), (b) => BYTE_TO_UNICODE[b]!).join('');

/** The files a real model folder holds besides tokenizer.json (read once per folder). */
const metadata = (dir: string) => {
  let cached = metadataCache.get(dir);
  if (!cached) metadataCache.set(dir, (cached = readMetadata(dir)));
  return cached;
};
const metadataCache = new Map<string, ReturnType<typeof readMetadata>>();

function readMetadata(dir: string) {
  const read = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
  const config = read('tokenizer_config.json') as {
    added_tokens_decoder: Record<string, { content: string; special: boolean }>;
    eos_token: string;
  };
  const added = new Map(
    Object.entries(config.added_tokens_decoder).map(([id, token]) => [
      token.content,
      { id: Number(id), special: token.special },
    ]),
  );
  const vocab = read('vocab.json') as Record<string, number>;
  return { config, added, vocab, generation: read('generation_config.json') };
}

/**
 * Text from ids without tokenizer.json: each id's token in vocab.json (or the added tokens), its characters mapped back
 * to bytes through the byte-level alphabet, the bytes read as UTF-8.
 */
const tokensById = new WeakMap<Record<string, number>, Map<number, string>>();
function independentDecode(ids: number[], vocab: Record<string, number>, added: Map<string, { id: number }>): string {
  let tokens = tokensById.get(vocab);
  if (!tokens) tokensById.set(vocab, (tokens = new Map(Object.entries(vocab).map(([token, id]) => [id, token]))));
  const addedById = new Map([...added].map(([content, { id }]) => [id, content]));
  const bytes: number[] = [];
  for (const id of ids) {
    const literal = addedById.get(id);
    if (literal !== undefined) {
      bytes.push(...new TextEncoder().encode(literal));
      continue;
    }
    const token = tokens.get(id);
    if (token === undefined) throw new Error(`id ${id} is in neither vocab.json nor the added tokens`);
    for (const char of token) bytes.push(UNICODE_TO_BYTE.get(char)!);
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
}

for (const model of MODELS) {
  const dir = sharedModel(model.name, `the real ${model.name} tokenizer tests`);

  describe.skipIf(dir === undefined)(`the real ${model.name} tokenizer`, () => {
    // Loaded once per model: Qwen2.5's 150k-token tokenizer takes seconds to build on a busy machine.
    let loading: ReturnType<typeof loadTokenizer> | undefined;
    const load = () => (loading ??= loadTokenizer(dir!));

    it('encodes "Hello, how do I bake bread?" to the documented ids, which are vocab.json\'s tokens for its words', async () => {
      const tokenizer = await load();
      const { vocab } = metadata(dir!);
      const ids = tokenizer.encode('Hello, how do I bake bread?', { addSpecialTokens: false });
      expect(ids).toEqual(DOCUMENTED_IDS[model.name]);
      expect(ids).toEqual(['Hello', ',', 'Ġhow', 'Ġdo', 'ĠI', 'Ġbake', 'Ġbread', '?'].map((token) => vocab[token]));
      for (const word of model.wholeWords) {
        const id = vocab[byteLevel(word)];
        expect(id, JSON.stringify(word)).toBeDefined();
        expect(tokenizer.encode(word, { addSpecialTokens: false }), JSON.stringify(word)).toEqual([id]);
      }
    });

    it('round-trips varied text, and its ids decode to the same text through vocab.json alone', async () => {
      const tokenizer = await load();
      const { vocab, added } = metadata(dir!);
      for (const text of TEXTS) {
        const ids = tokenizer.encode(text, { addSpecialTokens: false });
        expect(ids.length, text).toBeGreaterThan(0);
        expect(ids.every((id) => id < tokenizer.vocabSize)).toBe(true);
        expect(tokenizer.decode(ids), text).toBe(text);
        expect(independentDecode(ids, vocab, added), text).toBe(text);
      }
      // Byte-level BPE has no unknown token: the emoji and CJK above came through byte by byte where not whole.
      expect(tokenizer.unkTokenId).toBeUndefined();
    });

    it('maps every added token of tokenizer_config.json to its id, as one token inside text, and skips special ones on decode', async () => {
      const tokenizer = await load();
      const { added, config } = metadata(dir!);
      expect(added.size).toBeGreaterThan(1);
      for (const [content, { id, special }] of added) {
        expect(tokenizer.tokenToId(content), content).toBe(id);
        expect(tokenizer.encode(content, { addSpecialTokens: false }), content).toEqual([id]);
        const inside = tokenizer.encode(`bread${content}bread`, { addSpecialTokens: false });
        expect(
          inside.filter((t) => t === id),
          content,
        ).toHaveLength(1);
        expect(tokenizer.decode(inside), content).toBe(`bread${content}bread`);
        if (special) expect(tokenizer.decode(inside, { skipSpecialTokens: true }), content).toBe('breadbread');
      }
      const text = `${'<|im_start|>'}user\nHi there<|im_end|>\n`;
      const ids = tokenizer.encode(text, { addSpecialTokens: false });
      expect(ids[0]).toBe(added.get('<|im_start|>')!.id);
      expect(ids).toContain(added.get('<|im_end|>')!.id);
      expect(tokenizer.decode(ids)).toBe(text);
      expect(tokenizer.decode(ids, { skipSpecialTokens: true })).toBe('user\nHi there\n');
      expect(config.eos_token).toBe(model.eosTokens[0]);
    });

    it("stops on every eos token: tokenizer_config.json's eos_token and each of generation_config.json's eos_token_id", async () => {
      const tokenizer = await load();
      const { added, generation } = metadata(dir!);
      const expected = model.eosTokens.map((token) => added.get(token)!.id);
      expect(tokenizer.eosTokenIds).toEqual(expected);
      const listed = generation['eos_token_id'];
      for (const id of Array.isArray(listed) ? listed : [listed]) expect(tokenizer.eosTokenIds).toContain(id);
    });

    it('renders the chat template as the model documents it, one and two turns, with and without a system prompt', async () => {
      const tokenizer = await load();
      const { added } = metadata(dir!);
      const start = added.get('<|im_start|>')!.id;
      const end = added.get('<|im_end|>')!.id;
      for (const [name, { messages, addGenerationPrompt }] of Object.entries(CONVERSATIONS)) {
        const rendered = tokenizer.applyChatTemplate(messages, { addGenerationPrompt });
        expect(rendered, name).toBe(model.renders[name as keyof RealModel['renders']]);
        // Tokenized, each turn's markers are single special ids in order: system, each message, the reply's start.
        const ids = tokenizer.encode(rendered, { addSpecialTokens: false });
        const turns = messages.length + (messages[0]!.role === 'system' ? 0 : 1);
        const markers = [
          ...Array.from({ length: turns }, () => [start, end]).flat(),
          ...(addGenerationPrompt ? [start] : []),
        ];
        expect(
          ids.filter((id) => id === start || id === end),
          name,
        ).toEqual(markers);
        expect(tokenizer.decode(ids), name).toBe(rendered);
      }
    });
  });
}
