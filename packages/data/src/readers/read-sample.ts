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
}
