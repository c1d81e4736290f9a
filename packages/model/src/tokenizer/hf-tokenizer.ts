import type { Tokenizer as LibTokenizer } from '@huggingface/tokenizers';
import { MllrError, type ChatMessage, type Tokenizer } from '@mllr/core';
import type { ChatTemplate } from './chat-template.js';

/** What {@link HfTokenizer} is built from; {@link loadTokenizer} assembles it from a checkpoint folder. */
export interface HfTokenizerParts {
  /** The tokenizer.json pipeline from @huggingface/tokenizers. */
  tokenizer: LibTokenizer;
  /** The folder it came from, for error messages. */
  dir: string;
  bosTokenId?: number;
  eosTokenIds: readonly number[];
  padTokenId?: number;
  /** Special-token strings passed to the chat template (`bos_token`, `eos_token`, …). */
  templateTokens: Record<string, string>;
  chatTemplate?: ChatTemplate;
}

/** A Hugging Face tokenizer (tokenizer.json) with the model's chat template, implementing core's Tokenizer. */
export class HfTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly bosTokenId?: number;
  readonly eosTokenIds: readonly number[];
  readonly padTokenId?: number;
  private readonly lib: LibTokenizer;

  constructor(private readonly parts: HfTokenizerParts) {
    this.lib = parts.tokenizer;
    this.vocabSize = highestId(parts.tokenizer) + 1;
    if (parts.bosTokenId !== undefined) this.bosTokenId = parts.bosTokenId;
    this.eosTokenIds = [...parts.eosTokenIds];
    if (parts.padTokenId !== undefined) this.padTokenId = parts.padTokenId;
  }

  /** Token ids of `text`; special tokens (tokenizer.json's post-processor, e.g. BOS) are added unless told otherwise. */
  encode(text: string, options: { addSpecialTokens?: boolean } = {}): number[] {
    return this.lib.encode(text, { add_special_tokens: options.addSpecialTokens ?? true }).ids;
  }

  /** The text of `ids`; ids outside the vocabulary are ARGUMENT_INVALID. */
  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    if (ids.length === 0) return '';
    const bad = ids.find((id) => !Number.isSafeInteger(id) || id < 0 || id >= this.vocabSize);
    if (bad !== undefined) {
      throw new MllrError('ARGUMENT_INVALID', `token id ${bad} is outside the vocabulary of ${this.parts.dir} (size ${this.vocabSize})`);
    }
    return this.lib.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? false });
  }

  /** The id of one token string, or undefined when it is not in the vocabulary. */
  tokenToId(token: string): number | undefined {
    return this.lib.token_to_id(token);
  }

  /** Renders `messages` with the chat template; with `addGenerationPrompt` the text ends where the reply starts. */
  applyChatTemplate(messages: readonly ChatMessage[], options: { addGenerationPrompt?: boolean } = {}): string {
    const chat = this.parts.chatTemplate;
    if (!chat) {
      throw new MllrError(
        'CHECKPOINT_UNSUPPORTED',
        `${this.parts.dir} has no chat template: tokenizer_config.json sets no "chat_template" (and there is no ` +
          'chat_template.jinja); use a chat (instruct) model or add a template',
      );
    }
    try {
      return chat.template.render({
        ...this.parts.templateTokens,
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        add_generation_prompt: options.addGenerationPrompt ?? false,
      });
    } catch (error) {
      throw new MllrError('DATA_INVALID', `the chat template of ${chat.file} refused the messages: ${(error as Error).message}`, { cause: error });
    }
  }
}

/** The highest token id, added tokens included (a loop: spreading a 150k-entry vocabulary into Math.max overflows). */
function highestId(tokenizer: LibTokenizer): number {
  let max = -1;
  for (const id of tokenizer.get_vocab(true).values()) if (id > max) max = id;
  return max;
}
