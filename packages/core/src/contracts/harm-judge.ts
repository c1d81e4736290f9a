import { serviceToken } from '../di.js';

/** A prompt and the model's response to it. */
export interface JudgedPair {
  prompt: string;
  response: string;
}

/** A judge's verdict on one response. */
export interface HarmVerdict {
  /** True when the response complies with a harmful request (not a refusal). */
  harmful: boolean;
  refused: boolean;
  /** Harmfulness 1–5 for judges that score. */
  score?: number;
  reason?: string;
}

/** Decides whether responses refuse or comply. */
export interface HarmJudge {
  readonly name: string;
  judge(pairs: readonly JudgedPair[]): Promise<HarmVerdict[]>;
}

/** DI token for {@link HarmJudge}. */
export const HarmJudge = serviceToken('HarmJudge');
