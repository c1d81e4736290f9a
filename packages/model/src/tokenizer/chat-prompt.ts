import type { Tokenizer } from '@mllr/core';

/**
 * A user turn rendered through the chat template with the generation prompt: exactly what the model sees right
 * before it answers.
 */
export function chatPromptText(tokenizer: Pick<Tokenizer, 'applyChatTemplate'>, content: string): string {
  return tokenizer.applyChatTemplate([{ role: 'user', content }], { addGenerationPrompt: true });
}

/**
 * Token ids of {@link chatPromptText}, encoded without extra special tokens because the template writes them itself
 * (as Hugging Face's apply_chat_template does). Every place that feeds a prompt to a model encodes it this way: the
 * probe, evaluation, generation and the context-length check of data.
 */
export function encodeChatPrompt(
  tokenizer: Pick<Tokenizer, 'applyChatTemplate' | 'encode'>,
  content: string,
): number[] {
  return tokenizer.encode(chatPromptText(tokenizer, content), { addSpecialTokens: false });
}
