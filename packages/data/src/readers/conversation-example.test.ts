import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markLossPositions, type ChatMessage, type Tokenizer } from '@mllr/core';
import { loadTokenizer } from '@mllr/model';
import { describe, expect, it } from 'vitest';
import { conversationTrainExample } from './conversation-example.js';
import { cutTrainExample } from './cut-example.js';
import { toTrainExample } from './train-example.js';

type TemplateTokenizer = Pick<Tokenizer, 'applyChatTemplate' | 'encode'>;
const turn = (role: ChatMessage['role'], content: string): ChatMessage => ({ role, content });

/** `U:text|A:text|` turns; tokens are characters, except that "|U" (an end marker and the next user turn) is one. */
const merging: TemplateTokenizer = {
  applyChatTemplate: (messages, options) =>
    messages.map((m) => `${m.role === 'user' ? 'U' : m.role === 'assistant' ? 'A' : 'S'}:${m.content}|`).join('') +
    (options?.addGenerationPrompt ? 'A:' : ''),
  encode: (text) => [...text.matchAll(/\|U|./g)].map((m) => (m[0] === '|U' ? 1000 : m[0].codePointAt(0)!)),
};

describe('conversationTrainExample', () => {
  it('spans each assistant turn from after its generation prompt to its end marker; a marker merged into the next turn stays prompt', () => {
    const example = conversationTrainExample(
      [turn('user', 'hi'), turn('assistant', 'yo'), turn('user', 'q'), turn('assistant', 'ok')],
      'c.jsonl:1',
      merging,
    );
    // U : h i | A : [y o] |U : q | A : [o k |]
    expect(example.ids).toHaveLength(18);
    expect(example.responseSpans).toEqual([
      [7, 9],
      [15, 18],
    ]);
    expect(example.promptLength).toBe(7);
  });

  it('one assistant turn at the end is the single-turn case: promptLength alone, as for a prompt/response sample', () => {
    const example = conversationTrainExample(
      [turn('system', 's'), turn('user', 'hi'), turn('assistant', 'yo')],
      'c.jsonl:1',
      merging,
    );
    expect(example).toEqual({ ids: merging.encode('S:s|U:hi|A:yo|'), promptLength: 10 });
    expect(
      toTrainExample(
        { prompt: 'hi', response: 'yo', source: 's', messages: [turn('user', 'hi'), turn('assistant', 'yo')] },
        merging,
      ),
    ).toEqual(toTrainExample({ prompt: 'hi', response: 'yo', source: 's' }, merging));
  });

  it('leaves out turns after the last assistant turn', () => {
    const example = conversationTrainExample(
      [turn('user', 'hi'), turn('assistant', 'yo'), turn('user', 'bye')],
      'c.jsonl:1',
      merging,
    );
    expect(example).toEqual({ ids: merging.encode('U:hi|A:yo|'), promptLength: 7 });
  });

  it('refuses conversations without an assistant turn, and templates that rewrite earlier turns once later ones follow', () => {
    expect(() => conversationTrainExample([turn('user', 'hi')], 'c.jsonl:4', merging)).toThrow(
      expect.objectContaining({
        code: 'DATA_INVALID',
        reason: 'no_assistant_turn',
        message: 'c.jsonl:4: the conversation has no assistant turn, so there is nothing to train on',
      }),
    );
    // Like templates that drop the reasoning of earlier assistant turns: only the last one keeps its text.
    const dropping: TemplateTokenizer = {
      encode: merging.encode,
      applyChatTemplate: (messages, options) =>
        merging.applyChatTemplate(
          messages.map((m, i) => (m.role === 'assistant' && i < messages.length - 1 ? turn('assistant', '') : m)),
          options,
        ),
    };
    expect(() =>
      conversationTrainExample(
        [turn('user', 'hi'), turn('assistant', 'yo'), turn('user', 'q'), turn('assistant', 'ok')],
        'c.jsonl:5',
        dropping,
      ),
    ).toThrow(
      expect.objectContaining({
        code: 'CHECKPOINT_UNSUPPORTED',
        message: expect.stringMatching(
          /^c\.jsonl:5: the chat template renders the conversation up to turn 1 differently once later turns follow .*not supported for training$/,
        ),
      }),
    );
  });
});

describe('cutTrainExample', () => {
  const example = {
    ids: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    promptLength: 2,
    responseSpans: [
      [2, 4],
      [6, 9],
    ] as Array<[number, number]>,
  };
  it('cuts the spans with the sequence, and gives up when no response token is left', () => {
    expect(cutTrainExample(example, 10)).toBe(example);
    expect(cutTrainExample(example, 8)).toEqual({
      ids: [1, 2, 3, 4, 5, 6, 7, 8],
      promptLength: 2,
      responseSpans: [
        [2, 4],
        [6, 8],
      ],
    });
    expect(cutTrainExample(example, 5)).toEqual({ ids: [1, 2, 3, 4, 5], promptLength: 2, responseSpans: [[2, 4]] });
    expect(cutTrainExample(example, 4)).toEqual({ ids: [1, 2, 3, 4], promptLength: 2 });
    expect(cutTrainExample(example, 2)).toBeUndefined();
    expect(cutTrainExample({ ids: [1, 2, 3, 4], promptLength: 1 }, 3)).toEqual({ ids: [1, 2, 3], promptLength: 1 });
  });
});

// The real chat templates of SmolLM2-135M-Instruct and Qwen2.5-0.5B-Instruct ($MLLR_SHARED_MODELS, else ../shared/models
// beside the repository; never copied into it). Both are ChatML: each turn ends with <|im_end|> and a newline.
const SHARED_MODELS =
  process.env['MLLR_SHARED_MODELS'] ||
  join(fileURLToPath(new URL('../../../../', import.meta.url)), '..', 'shared', 'models');
const REAL_MODELS = ['SmolLM2-135M-Instruct', 'Qwen2.5-0.5B-Instruct'].filter((name) => {
  const found = existsSync(join(SHARED_MODELS, name, 'tokenizer.json'));
  if (!found)
    console.warn(
      `skipping the ${name} chat-template spans: ${resolve(SHARED_MODELS, name)} is absent (set MLLR_SHARED_MODELS)`,
    );
  return found;
});

describe.skipIf(REAL_MODELS.length === 0).each(REAL_MODELS)('on the real %s chat template', (name) => {
  const conversation = [
    turn('system', 'You are a concise baker.'),
    turn('user', 'How do I bake bread?'),
    turn('assistant', 'Mix flour, water, yeast and salt; knead; let it rise; bake at 230 °C.'),
    turn('user', 'How long should it rise?'),
    turn('assistant', 'About an hour, until doubled.'),
  ];
  let loaded: ReturnType<typeof loadTokenizer> | undefined;
  const realTokenizer = () => (loaded ??= loadTokenizer(join(SHARED_MODELS, name)));

  it('the loss covers exactly each assistant text and its <|im_end|>\\n, the user and system turns none', async () => {
    const tokenizer = await realTokenizer();
    const example = conversationTrainExample(conversation, 'bread.jsonl:1', tokenizer);
    expect(example.responseSpans).toHaveLength(2);
    const trained = example.responseSpans!.map(([start, end]) => tokenizer.decode(example.ids.slice(start, end)));
    expect(trained).toEqual([`${conversation[2]!.content}<|im_end|>\n`, `${conversation[4]!.content}<|im_end|>\n`]);
    // Everything else is the template's prompt text: up to the first generation prompt, and the user turn between.
    const [s1, e1] = example.responseSpans![0]!;
    const [s2] = example.responseSpans![1]!;
    expect(tokenizer.decode(example.ids.slice(0, s1))).toBe(
      tokenizer.applyChatTemplate(conversation.slice(0, 2), { addGenerationPrompt: true }),
    );
    expect(tokenizer.decode(example.ids.slice(e1, s2))).toBe(
      '<|im_start|>user\nHow long should it rise?<|im_end|>\n<|im_start|>assistant\n',
    );
    // The engines' loss mask marks the position before each response token.
    const mask = new Float32Array(example.ids.length);
    expect(markLossPositions(example, mask)).toBe(
      example.responseSpans!.reduce((n, [start, end]) => n + end - start, 0),
    );
    expect(mask[s1 - 1]).toBe(1);
    expect(mask[s1 - 2]).toBe(0);
  });

  it('a one-turn conversation trains exactly as the prompt/response sample does', async () => {
    const tokenizer = await realTokenizer();
    const [, user, assistant] = conversation;
    const fromChat = toTrainExample(
      { prompt: user!.content, response: assistant!.content, source: 'a', messages: [user!, assistant!] },
      tokenizer,
    );
    expect(fromChat).toEqual(
      toTrainExample({ prompt: user!.content, response: assistant!.content, source: 'a' }, tokenizer),
    );
    expect(fromChat.responseSpans).toBeUndefined();
    expect(tokenizer.decode(fromChat.ids.slice(fromChat.promptLength))).toBe(`${assistant!.content}<|im_end|>\n`);
  });
});
