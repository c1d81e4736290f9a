import { serviceToken } from '../di.js';

/** One instruction sample before templating. */
export interface ChatSample {
  prompt: string;
  response?: string;
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
  fields?: Partial<Record<'prompt' | 'input' | 'response' | 'label', string>>;
  limit?: number;
}

/** Reads a dataset file as a stream of samples; malformed records are errors naming file and record. */
export interface DatasetReader {
  readonly formats: readonly string[];
  read(source: DatasetSource): AsyncIterable<ChatSample>;
}

/** DI token for {@link DatasetReader}. */
export const DatasetReader = serviceToken('DatasetReader');
