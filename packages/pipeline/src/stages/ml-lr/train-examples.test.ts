import type { ChatMessage, ChatSample, InvalidRecord } from '@mllr/core';
import { loadTokenizer } from '@mllr/model';
import { TINY_CHAT_DIR } from '@mllr/tiny-chat';
import { describe, expect, it } from 'vitest';
import { fitTrainExamples } from './train-examples.js';

const tokenizer = await loadTokenizer(TINY_CHAT_DIR);
const turn = (role: ChatMessage['role'], content: string): ChatMessage => ({ role, content });

/** A chat sample as the messages preset reads it. */
function conversation(source: string, messages: ChatMessage[]): ChatSample {
  return {
    prompt: messages.find((m) => m.role === 'user')!.content,
    response: messages.find((m) => m.role === 'assistant')?.content,
    source,
    messages,
  };
}

describe('fitTrainExamples on conversations', () => {
  const chat = conversation('c.jsonl:1', [
    turn('user', 'What is 2 plus 3?'),
    turn('assistant', '2 plus 3 is 5.'),
    turn('user', 'And 4 plus 4?'),
    turn('assistant', '4 plus 4 is 8.'),
  ]);

  it('gives one span per assistant turn, cut with the sequence at max_tokens', () => {
    const [whole] = fitTrainExamples([chat], tokenizer, 128, 'training.max_tokens');
    // tiny-chat's template and word-level tokenizer: "<s> <|user|> What is 2 plus 3 ? <|assistant|>" is 9 prompt
    // tokens, "2 plus 3 is 5 . </s>" a reply of 7; "<|user|> And 4 plus 4 ? <|assistant|>" 7 more, then 7 again.
    expect(whole!.responseSpans).toEqual([
      [9, 16],
      [23, 30],
    ]);
    expect(whole!.ids).toHaveLength(30);
    expect(tokenizer.decode(whole!.ids.slice(23, 30))).toBe('4 plus 4 is 8. </s>');
    const [cut] = fitTrainExamples([chat], tokenizer, 24, 'training.max_tokens');
    expect(cut).toEqual({
      ids: whole!.ids.slice(0, 24),
      promptLength: 9,
      responseSpans: [
        [9, 16],
        [23, 24],
      ],
    });
    const [first] = fitTrainExamples([chat], tokenizer, 16, 'training.max_tokens');
    expect(first).toEqual({ ids: whole!.ids.slice(0, 16), promptLength: 9 });
  });

  it('skips and counts a conversation without an assistant turn, and one whose prompt fills max_tokens', () => {
    const unanswered = conversation('c.jsonl:2', [turn('user', 'Anyone there?')]);
    const short = conversation('c.jsonl:3', [turn('user', 'Hi'), turn('assistant', 'Hello.')]);
    const skipped: InvalidRecord[] = [];
    const examples = fitTrainExamples([unanswered, chat, short], tokenizer, 8, 'training.max_tokens', (r) =>
      skipped.push(r),
    );
    expect(examples).toHaveLength(1);
    expect(skipped.map((r) => [r.where, r.reason])).toEqual([
      ['c.jsonl:2', 'no_assistant_turn'],
      ['c.jsonl:1', 'too_long'],
    ]);
    // Without onInvalid a conversation that cannot be trained on is an error naming it.
    expect(() => fitTrainExamples([unanswered, short], tokenizer, 8, 'training.max_tokens')).toThrow(
      'c.jsonl:2: the conversation has no assistant turn',
    );
  });
});
