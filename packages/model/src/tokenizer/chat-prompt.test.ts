import type { ChatMessage } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { chatPromptText, encodeChatPrompt } from './chat-prompt.js';

/** A tokenizer whose template and encoding show what they were asked: one id per character, 0 for an added BOS. */
const tokenizer = {
  applyChatTemplate: (messages: readonly ChatMessage[], options: { addGenerationPrompt?: boolean } = {}) =>
    messages.map((m) => `[${m.role}]${m.content}`).join('') + (options.addGenerationPrompt ? '[assistant]' : ''),
  encode: (text: string, options: { addSpecialTokens?: boolean } = {}) => [
    ...((options.addSpecialTokens ?? true) ? [0] : []),
    ...[...text].map((c) => c.charCodeAt(0)),
  ],
};

describe('chat prompt encoding', () => {
  it('renders one user turn ending on the generation prompt', () => {
    expect(chatPromptText(tokenizer, 'hi')).toBe('[user]hi[assistant]');
  });

  it('encodes the render without adding special tokens (the template writes them)', () => {
    const ids = encodeChatPrompt(tokenizer, 'hi');
    expect(ids[0]).not.toBe(0);
    expect(String.fromCharCode(...ids)).toBe('[user]hi[assistant]');
  });
});
