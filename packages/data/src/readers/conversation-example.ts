import type { ChatMessage, TrainExample, Tokenizer } from '@mllr/core';
import { MllrError } from '@mllr/core';
import { recordError } from './data-error.js';

/**
 * Tokenizes a conversation for training so that only its assistant turns count in the loss. The conversation is
 * rendered with the model's chat template once whole, and prefix by prefix: for the k-th assistant turn, the turns
 * before it with the generation prompt (where the reply starts) and the turns up to and including it (where it ends).
 * Every prefix render must be a prefix of the whole render (checked); the turn's tokens are then [start, end), with
 * start and end the longest common prefixes of the prefix renders' encodings with the whole encoding. So a turn's
 * span holds what the template writes for the reply after the generation prompt: its text and the end-of-turn
 * marker (`<|im_end|>` and the newline after it for ChatML templates), exactly what the single-turn case trains on.
 *
 * Edge cases:
 * - A token the tokenizer merges across a turn's start counts as response (as in the single-turn case); one merged
 *   across its end counts as prompt, so no text of the next (user) turn is ever trained on.
 * - A template that adds text of its own (a default system prompt, a date) writes it in every render alike: fine.
 * - A template that renders earlier turns differently once more follow (one that drops the reasoning of earlier
 *   assistant turns, or moves the system prompt into the last user turn) fails the prefix check: the conversation
 *   cannot be masked turn by turn, and this is CHECKPOINT_UNSUPPORTED naming the turn, as for single turns.
 * - A turn that renders to no token of its own gets no span; a conversation left with none is `no_tokens`, one
 *   without an assistant turn `no_assistant_turn` (InvalidRecordErrors, so a caller may skip and count them).
 *
 * One span ending at the last token is the single-turn case and is returned as `promptLength` alone; otherwise the
 * example carries `responseSpans`, and `promptLength` is where the first one starts.
 */
export function conversationTrainExample(
  messages: readonly ChatMessage[],
  source: string,
  tokenizer: Pick<Tokenizer, 'applyChatTemplate' | 'encode'>,
): TrainExample {
  const last = messages.findLastIndex((m) => m.role === 'assistant');
  if (last < 0)
    throw recordError(
      source,
      'no_assistant_turn',
      'the conversation has no assistant turn, so there is nothing to train on',
    );
  const turns = messages.slice(0, last + 1);
  const text = tokenizer.applyChatTemplate(turns, { addGenerationPrompt: false });
  const ids = encode(tokenizer, text);
  const spans: Array<[number, number]> = [];
  let previousEnd = 0;
  turns.forEach((turn, k) => {
    if (turn.role !== 'assistant') return;
    const before = prefixRender(tokenizer, turns.slice(0, k), true, text, source, k);
    const through = k === last ? text : prefixRender(tokenizer, turns.slice(0, k + 1), false, text, source, k);
    if (through.length < before.length) throw unmaskable(source, k, before.length, before, through);
    const start = Math.max(commonPrefix(encode(tokenizer, before), ids), previousEnd);
    const end = k === last ? ids.length : commonPrefix(encode(tokenizer, through), ids);
    if (end > start) spans.push([start, end]);
    previousEnd = Math.max(previousEnd, end);
  });
  if (spans.length === 0 || spans.every(([start, end]) => end <= Math.max(start, 1))) {
    throw recordError(source, 'no_tokens', 'the assistant turns render to no tokens, so there is nothing to train on');
  }
  const promptLength = spans[0]![0];
  return spans.length === 1 && spans[0]![1] === ids.length
    ? { ids, promptLength }
    : { ids, promptLength, responseSpans: spans };
}

/** The template's render of `messages`, checked to be a prefix of the whole conversation's `text`. */
function prefixRender(
  tokenizer: Pick<Tokenizer, 'applyChatTemplate'>,
  messages: readonly ChatMessage[],
  addGenerationPrompt: boolean,
  text: string,
  source: string,
  turn: number,
): string {
  const prefix = tokenizer.applyChatTemplate(messages, { addGenerationPrompt });
  if (!text.startsWith(prefix)) {
    let at = 0;
    while (at < prefix.length && prefix[at] === text[at]) at++;
    throw unmaskable(source, turn, at, prefix, text);
  }
  return prefix;
}

function unmaskable(source: string, turn: number, at: number, prefix: string, text: string): MllrError {
  const excerpt = (s: string) => JSON.stringify(s.slice(at, at + 30));
  return new MllrError(
    'CHECKPOINT_UNSUPPORTED',
    `${source}: the chat template renders the conversation up to turn ${turn} differently once later turns follow (at character ${at}: ` +
      `${excerpt(prefix)} in the shorter render, ${excerpt(text)} in the longer), so its assistant turns cannot be masked for the loss; ` +
      'templates that rewrite earlier turns are not supported for training',
  );
}

/** Special tokens are not added: the template writes them itself (as Hugging Face's apply_chat_template does). */
function encode(tokenizer: Pick<Tokenizer, 'encode'>, text: string): number[] {
  return tokenizer.encode(text, { addSpecialTokens: false });
}

/** How many leading ids `a` and `b` share. */
function commonPrefix(a: readonly number[], b: readonly number[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}
