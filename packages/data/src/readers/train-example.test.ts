import type { ChatMessage, Tokenizer } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { toChatSampleText, toTrainExample } from './train-example.js';

/** A tiny tokenizer: whitespace-separated words, ids assigned on first sight, `<role> text <end>` turns. */
class FakeTokenizer implements Tokenizer {
  readonly eosTokenIds = [1];
  private readonly ids = new Map<string, number>([
    ['<s>', 0],
    ['<end>', 1],
  ]);
  readonly calls: { text: string; addSpecialTokens: boolean | undefined }[] = [];

  constructor(private readonly join = ' ') {}

  get vocabSize(): number {
    return this.ids.size;
  }

  encode(text: string, options?: { addSpecialTokens?: boolean }): number[] {
    this.calls.push({ text, addSpecialTokens: options?.addSpecialTokens });
    const words = text.split(/\s+/).filter(Boolean);
    return [...(options?.addSpecialTokens === false ? [] : [0]), ...words.map((w) => this.id(w))];
  }

  decode(ids: readonly number[]): string {
    const words = [...this.ids.keys()];
    return ids.map((id) => words[id]).join(' ');
  }

  applyChatTemplate(messages: readonly ChatMessage[], options?: { addGenerationPrompt?: boolean }): string {
    const turns = messages.map((m) => `<${m.role}>${this.join}${m.content} <end>`).join(' ');
    return `<s> ${turns}${options?.addGenerationPrompt ? ` <assistant>${this.join}` : ' '}`;
  }

  private id(word: string): number {
    if (!this.ids.has(word)) this.ids.set(word, this.ids.size);
    return this.ids.get(word)!;
  }
}

const sample = { prompt: 'what is two plus two', response: 'it is four', source: 'math.jsonl:3' };

describe('toChatSampleText', () => {
  it('renders the user turn with the generation prompt, and the whole exchange after it', () => {
    const { prompt, text } = toChatSampleText(sample, new FakeTokenizer());
    expect(prompt).toBe('<s> <user> what is two plus two <end> <assistant> ');
    expect(text).toBe('<s> <user> what is two plus two <end> <assistant> it is four <end> ');
    expect(text.startsWith(prompt)).toBe(true);
  });

  it('refuses a template that rewrites the prompt once a response follows', () => {
    const rewriting = new FakeTokenizer();
    const render = rewriting.applyChatTemplate.bind(rewriting);
    // Like templates that add a system turn or strip earlier reasoning only when the conversation has a reply.
    rewriting.applyChatTemplate = (messages, options) =>
      messages.length > 1
        ? render([{ role: 'system', content: 'be brief' }, ...messages], options)
        : render(messages, options);
    expect(() => toChatSampleText(sample, rewriting)).toThrow(
      expect.objectContaining({
        code: 'CHECKPOINT_UNSUPPORTED',
        message: expect.stringMatching(
          /^math\.jsonl:3: the chat template renders the prompt differently once a response follows \(at character 5: "user> what.*rewrite earlier turns/,
        ),
      }),
    );
  });

  it('needs a response', () => {
    expect(() => toChatSampleText({ prompt: 'p', source: 'f.csv:2' }, new FakeTokenizer())).toThrow(
      expect.objectContaining({ code: 'DATA_INVALID', message: 'f.csv:2: the sample has no response to train on' }),
    );
  });
});

describe('toTrainExample', () => {
  it('tokenizes the full render and counts the prompt tokens, so the loss covers only the response', () => {
    const tokenizer = new FakeTokenizer();
    const example = toTrainExample(sample, tokenizer);
    // <s> <user> what is two plus two <end> <assistant> = 9 prompt tokens, then "it is four <end>".
    expect(example.promptLength).toBe(9);
    expect(example.ids).toHaveLength(13);
    expect(tokenizer.decode(example.ids.slice(0, example.promptLength))).toBe(
      '<s> <user> what is two plus two <end> <assistant>',
    );
    expect(tokenizer.decode(example.ids.slice(example.promptLength))).toBe('it is four <end>');
    // The template writes <s> itself, so the tokenizer must not add another.
    expect(example.ids.filter((id) => id === 0)).toHaveLength(1);
    expect(tokenizer.calls.every((c) => c.addSpecialTokens === false)).toBe(true);
  });

  it('counts a token merged across the prompt/response boundary as response', () => {
    // No space after <assistant>: "<assistant>it" is one word of the full render but "<assistant>" ends the prompt.
    const tokenizer = new FakeTokenizer('');
    const example = toTrainExample(sample, tokenizer);
    expect(tokenizer.decode(example.ids.slice(example.promptLength))).toBe('<assistant>it is four <end>');
    // The prompt alone is 8 words (<s> <user>what is two plus two <end> <assistant>); the last one is not shared.
    expect(tokenizer.encode(toChatSampleText(sample, tokenizer).prompt, { addSpecialTokens: false })).toHaveLength(8);
    expect(example.promptLength).toBe(7);
  });

  it('refuses a response that renders to no tokens', () => {
    const bare: Pick<Tokenizer, 'applyChatTemplate' | 'encode'> = {
      applyChatTemplate: (messages, options) =>
        messages.map((m) => m.content).join(' ') + (options?.addGenerationPrompt ? ' ' : ''),
      encode: (text) =>
        text
          .split(/\s+/)
          .filter(Boolean)
          .map((w) => w.length),
    };
    expect(() => toTrainExample({ prompt: 'hello', response: '', source: 'a.json#4' }, bare)).toThrow(
      expect.objectContaining({
        code: 'DATA_INVALID',
        reason: 'no_tokens',
        message: 'a.json#4: the response renders to no tokens, so there is nothing to train on',
      }),
    );
  });
});
