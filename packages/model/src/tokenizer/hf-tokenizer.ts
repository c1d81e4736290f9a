import type { Tokenizer as LibTokenizer } from '@huggingface/tokenizers';
import { MllrError, type ChatMessage, type Tokenizer } from '@mllr/core';
import { renderChatTemplate, type ChatTemplate } from './chat-template.js';

/** What {@link HfTokenizer} is built from; {@link loadTokenizer} assembles it from a checkpoint folder. */
export interface HfTokenizerParts {
  /** The tokenizer.json pipeline from @huggingface/tokenizers. */
  tokenizer: LibTokenizer;
  /** The folder it came from, for error messages. */
  dir: string;
  bosTokenId?: number;
  eosTokenIds: readonly number[];
  padTokenId?: number;
  /** The id of the model's unknown token (tokenizer.json `model.unk_token`), where it has one. */
  unkTokenId?: number;
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
  readonly unkTokenId?: number;
  private readonly lib: LibTokenizer;

  /**
   * @param file the tokenizer.json the parts came from, named in errors about its output (default: `dir`).
   */
  constructor(
    private readonly parts: HfTokenizerParts,
    private readonly file: string = parts.dir,
  ) {
    this.lib = parts.tokenizer;
    this.vocabSize = highestId(parts.tokenizer) + 1;
    if (parts.bosTokenId !== undefined) this.bosTokenId = parts.bosTokenId;
    this.eosTokenIds = [...parts.eosTokenIds];
    if (parts.padTokenId !== undefined) this.padTokenId = parts.padTokenId;
    if (parts.unkTokenId !== undefined) this.unkTokenId = parts.unkTokenId;
  }

  /** Token ids of `text`; special tokens (tokenizer.json's post-processor, e.g. BOS) are added unless told otherwise. */
  encode(text: string, options: { addSpecialTokens?: boolean } = {}): number[] {
    let ids: number[];
    try {
      ids = this.lib.encode(text, { add_special_tokens: options.addSpecialTokens ?? true }).ids;
    } catch (error) {
      throw new MllrError(
        'CHECKPOINT_INVALID',
        `${this.file}: the tokenizer failed on its input (${(error as Error).message})`,
        { cause: error },
      );
    }
    // A tokenizer.json whose unk_token is not in its vocabulary yields `undefined` for unknown words: never pass that on.
    const bad = ids.findIndex((id) => !Number.isSafeInteger(id) || id < 0 || id >= this.vocabSize);
    if (bad >= 0) {
      throw new MllrError(
        'CHECKPOINT_INVALID',
        `${this.file}: the tokenizer gave no valid id for part of its input (got ${String(ids[bad])}); is its unk_token in the vocabulary?`,
      );
    }
    return ids;
  }

  /** The text of `ids`; ids outside the vocabulary are ARGUMENT_INVALID. */
  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    if (ids.length === 0) return '';
    const bad = ids.find((id) => !Number.isSafeInteger(id) || id < 0 || id >= this.vocabSize);
    if (bad !== undefined) {
      throw new MllrError(
        'ARGUMENT_INVALID',
        `token id ${bad} is outside the vocabulary of ${this.parts.dir} (size ${this.vocabSize})`,
      );
    }
    try {
      return this.lib.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? false });
    } catch (error) {
      throw new MllrError(
        'CHECKPOINT_INVALID',
        `${this.file}: the tokenizer failed to decode ids (${(error as Error).message})`,
        { cause: error },
      );
    }
  }

  /** The chat template's text and the file it came from, or undefined when the model has none (for `mllr inspect`). */
  get chatTemplateSource(): { file: string; text: string } | undefined {
    const chat = this.parts.chatTemplate;
    return chat ? { file: chat.file, text: chat.source } : undefined;
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
      return renderChatTemplate(chat, {
        ...this.parts.templateTokens,
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        add_generation_prompt: options.addGenerationPrompt ?? false,
      });
    } catch (error) {
      // Already says what is missing and where (a function the renderer lacks).
      if (error instanceof MllrError) throw error;
      // raise_exception's message is the template's own; other errors are the renderer's words about the messages.
      throw new MllrError(
        'DATA_INVALID',
        `the chat template of ${chat.file} refused the messages: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
}

/** The highest token id, added tokens included (a loop: spreading a 150k-entry vocabulary into Math.max overflows). */
function highestId(tokenizer: LibTokenizer): number {
  let max = -1;
  for (const id of tokenizer.get_vocab(true).values()) if (id > max) max = id;
  return max;
}
