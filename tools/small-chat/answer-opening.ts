// Why answers open with one word: greedy decoding takes the single most likely first token. Refusals share a few
// openings ("I'm sorry…", "I cannot…"), while answers to benign requests open in hundreds of ways, so a prompt the
// model would answer with 70 % probability can still be refused under greedy decoding when no single answer opening
// outweighs " I". Giving a share of the answers one common opening ("Sure.") turns the choice at the first token into
// one between answering and refusing. The share is the knob between over-refusal and harmful compliance.
import { createHash } from 'node:crypto';
import type { MixSample } from './small-chat-data.js';

/** How answers open: `opening` before the reply of a seeded `share` (0–1) of the benign and borderline samples. */
export interface AnswerOpening {
  opening: string;
  share: number;
  seed: number;
}

/** True when `prompt` is in the seeded share of answers that get the opening (the same on every machine). */
export function opensWithAnswerOpening(
  prompt: string,
  { share, seed }: Pick<AnswerOpening, 'share' | 'seed'>,
): boolean {
  return createHash('sha256').update(`${seed}:opening:${prompt}`).digest().readUInt32BE(0) / 2 ** 32 < share;
}

/**
 * The samples with `opening` put before the replies of the benign and borderline samples in the seeded share;
 * harmful samples (refusals) are never changed. An empty opening or a share of 0 changes nothing.
 */
export function withAnswerOpening(train: readonly MixSample[], options: AnswerOpening): MixSample[] {
  return train.map((s) =>
    options.opening !== '' && s.role !== 'harmful' && opensWithAnswerOpening(s.prompt, options)
      ? { ...s, response: `${options.opening} ${s.response}` }
      : s,
  );
}
