import type { ChatSample } from '@mllr/core';

/** A sample as the readers yield it: a {@link ChatSample} plus extras some presets extract. */
export interface ReadSample extends ChatSample {
  /** The final answer, for presets that have one (gsm8k: the number after `####`, without thousands separators). */
  answer?: string;
}

/** One record of a file before field mapping, with where it sits (`file:line` or `file#index`). */
export interface RawRecord {
  value: unknown;
  where: string;
  /** Set when the record's text could not even be parsed (a bad JSON line): the record is unusable, the file may not be. */
  invalid?: { reason: string; message: string };
}
