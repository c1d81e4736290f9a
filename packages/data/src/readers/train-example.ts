import type { ChatMessage, ChatSample, TrainExample, Tokenizer } from '@mllr/core';
import { MllrError } from '@mllr/core';
import { chatPromptText } from '@mllr/model';
import { conversationTrainExample } from './conversation-example.js';
import { recordError } from './data-error.js';

/** A sample rendered through a chat template: the prompt up to where the reply starts, and the whole exchange. */
export interface ChatSampleText {
  /** The user turn rendered with the generation prompt: exactly what the model sees before it answers. */
  prompt: string;
  /** The user turn and the assistant's response; starts with `prompt`. */
  text: string;
}

/**
 * Renders a sample (user message = prompt, assistant message = response) through the model's chat template. The
 * prompt render must be a prefix of the full render, or the prompt cannot be masked from the loss; a template that
 * rewrites earlier turns once a reply follows is refused with CHECKPOINT_UNSUPPORTED naming where the two differ.
 */
export function toChatSampleText(sample: ChatSample, tokenizer: Pick<Tokenizer, 'applyChatTemplate'>): ChatSampleText {
  if (sample.response === undefined)
    throw recordError(sample.source, 'no_response', 'the sample has no response to train on');
  const user: ChatMessage = { role: 'user', content: sample.prompt };
  const prompt = chatPromptText(tokenizer, sample.prompt);
  const text = tokenizer.applyChatTemplate([user, { role: 'assistant', content: sample.response }], {
    addGenerationPrompt: false,
  });
  if (!text.startsWith(prompt)) {
    let at = 0;
    while (at < prompt.length && prompt[at] === text[at]) at++;
    const excerpt = (s: string) => JSON.stringify(s.slice(at, at + 30));
    throw new MllrError(
      'CHECKPOINT_UNSUPPORTED',
      `${sample.source}: the chat template renders the prompt differently once a response follows (at character ${at}: ` +
        `${excerpt(prompt)} alone, ${excerpt(text)} with the response), so the prompt cannot be masked from the loss; ` +
        'templates that rewrite earlier turns are not supported for training',
    );
  }
  return { prompt, text };
}

/**
 * Tokenizes a rendered sample for training. A conversation (a sample with `messages`, from a chat preset) trains on
 * every assistant turn: see {@link conversationTrainExample}; a single-turn one gives the same example as a
 * prompt/response sample would. Special tokens are not added, because the template writes them itself
 * (as Hugging Face's apply_chat_template does). `promptLength` is the token count of the prompt render, so the loss
 * covers only the response; should the tokenizer merge a token across the prompt/response boundary, that token
 * counts as response (the longest common prefix of the two encodings is the prompt). A sample that cannot be trained
 * on is an InvalidRecordError (`no_response`, `no_tokens`), so a caller may skip and count it.
 */
export function toTrainExample(
  sample: ChatSample,
  tokenizer: Pick<Tokenizer, 'applyChatTemplate' | 'encode'>,
): TrainExample {
  if (sample.messages) return conversationTrainExample(sample.messages, sample.source, tokenizer);
  const { prompt, text } = toChatSampleText(sample, tokenizer);
  const ids = tokenizer.encode(text, { addSpecialTokens: false });
  const promptIds = tokenizer.encode(prompt, { addSpecialTokens: false });
  let promptLength = 0;
  while (promptLength < promptIds.length && promptIds[promptLength] === ids[promptLength]) promptLength++;
  if (promptLength >= ids.length)
    throw recordError(sample.source, 'no_tokens', 'the response renders to no tokens, so there is nothing to train on');
  return { ids, promptLength };
}
