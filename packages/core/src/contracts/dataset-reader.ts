import { serviceToken } from '../di.js';
import type { ChatMessage } from './tokenizer.js';

/**
 * One instruction sample before templating. A sample from a chat dataset (`messages`, `sharegpt` presets) keeps its
 * whole conversation in `messages`, which training renders; `prompt` is its first user turn and `response` the
 * first assistant turn after it, for the stages that take single prompts (evaluation, probes, splits).
 */
export interface ChatSample {
  prompt: string;
  response?: string;
  /** The conversation, when the sample is one: every assistant turn is trained on. */
  messages?: readonly ChatMessage[];
  /** Optional class label (`harmful` / `benign`) or category. */
  label?: string;
  /** Where it came from, for error messages: `file:line` or `file#record`. */
  source: string;
}

/** Where to read a dataset from and how its fields map onto a {@link ChatSample}. */
export interface DatasetSource {
  path: string;
  /** A named preset (alpaca, advbench, gsm8k, …) or the generic mapping. */
  preset?: string;
  /** Record keys overriding the preset's; `messages` is the list of turns of a chat preset. */
  fields?: Partial<Record<'prompt' | 'input' | 'response' | 'label' | 'messages', string>>;
  limit?: number;
}

/** A record a reader passed over: where it is, a short machine-readable reason (`wrong_type`, …) and the full message. */
export interface InvalidRecord {
  where: string;
  reason: string;
  message: string;
}

/** How a reader treats records it cannot turn into samples. */
export interface ReadOptions {
  /**
   * Called for each record that cannot be used (wrong type, missing or empty field, unparseable line), which is then
   * skipped. Without it such a record is an error, as before. Problems with the file itself are always errors.
   */
  onInvalid?(record: InvalidRecord): void;
}

/** Reads a dataset file as a stream of samples; malformed records are errors naming file and record (or skipped, see {@link ReadOptions}). */
export interface DatasetReader {
  readonly formats: readonly string[];
  read(source: DatasetSource, options?: ReadOptions): AsyncIterable<ChatSample>;
}

/** DI token for {@link DatasetReader}. */
export const DatasetReader = serviceToken('DatasetReader');
