import { MllrError, type Tokenizer } from '@mllr/core';
import { encodeChatPrompt } from '@mllr/model';

/** A prompt ready for the engine. */
export interface EncodedPrompt {
  ids: number[];
  /** True when the prompt's content was cut to fit. */
  truncated: boolean;
}

/**
 * Token ids of `prompt` rendered through the chat template as one user message with the generation prompt, encoded
 * without extra special tokens (the template has them). When that is longer than `budget` tokens, the END of the
 * prompt's content is dropped and the template rendered again around the kept start, so the template's head and the
 * generation prompt always stay; the instruction at the start of a prompt usually matters most.
 */
export function encodePrompt(tokenizer: Tokenizer, prompt: string, budget: number): EncodedPrompt {
  const render = (content: string) => encodeChatPrompt(tokenizer, content);
  let ids = render(prompt);
  if (ids.length <= budget) return { ids, truncated: false };
  const content = tokenizer.encode(prompt, { addSpecialTokens: false });
  let keep = content.length - (ids.length - budget);
  // Decoding a cut and encoding it again can merge tokens differently, so cut again until it fits (usually once).
  while (keep > 0) {
    ids = render(tokenizer.decode(content.slice(0, keep), { skipSpecialTokens: true }));
    if (ids.length <= budget) return { ids, truncated: true };
    keep -= ids.length - budget;
  }
  throw new MllrError(
    'ARGUMENT_INVALID',
    `a prompt cannot be cut to fit ${budget} tokens: the chat template alone needs ${render('').length}; ` +
      'use a model with a longer context or fewer new tokens',
  );
}
