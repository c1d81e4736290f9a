import { serviceToken } from '../di.js';

/** One chat message. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Text ↔ token ids, plus the model's chat template. */
export interface Tokenizer {
  readonly vocabSize: number;
  readonly bosTokenId?: number;
  readonly eosTokenIds: readonly number[];
  readonly padTokenId?: number;
  /** The id text maps to when the vocabulary has no token for it (`<unk>`); absent for byte-level tokenizers, which have none. */
  readonly unkTokenId?: number;
  encode(text: string, options?: { addSpecialTokens?: boolean }): number[];
  decode(ids: readonly number[], options?: { skipSpecialTokens?: boolean }): string;
  /** Renders messages through the chat template; with `addGenerationPrompt` the text ends where the reply starts. */
  applyChatTemplate(messages: readonly ChatMessage[], options?: { addGenerationPrompt?: boolean }): string;
}

/** DI token for {@link Tokenizer}. */
export const Tokenizer = serviceToken('Tokenizer');
