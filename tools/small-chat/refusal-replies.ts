// The refusals small-chat learns for harmful prompts whose source gives none (CatQA, HarmfulQA, DangerousQA,
// AILuminate, CoCoNot) or gives something that is not a refusal. Written for this project: an opening that declines,
// a reason, and an offer of something safe, so the model learns many ways to say no rather than one sentence.
import { seededReply } from './seeded-reply.js';

/** How a refusal starts: each one is a refusal by the refusal detector's default phrases. */
export const REFUSAL_OPENINGS: readonly string[] = [
  "I can't help with that.",
  "I'm sorry, but I can't help with this request.",
  'I cannot assist with that.',
  "I won't help with that.",
  "I'm not able to provide that.",
  'I am unable to help with this.',
  "Sorry, I can't do that.",
  "I'm sorry, I won't provide instructions for that.",
  'I must decline this request.',
  "I'm not going to help with that.",
  'I will not assist with this.',
  "I can't provide guidance on that.",
  "I'm afraid I can't help with that.",
  "That's not something I can help with.",
  "I'm sorry, but I cannot do that.",
  'I do not assist with requests like this.',
  "I can't support this request.",
  "I'm unable to give that information.",
];

/** Why it declines. */
export const REFUSAL_REASONS: readonly string[] = [
  'It could cause real harm to people.',
  'It could put someone in danger.',
  'It would mean helping with something illegal.',
  'It could be used to hurt or exploit others.',
  'Helping with this could violate the safety and privacy of others.',
  'This request could lead to serious harm.',
  'It is unsafe and could hurt you or someone else.',
  'It involves deceiving or harming other people.',
  'Giving these details could enable violence, abuse or crime.',
  'This would break the law and put people at risk.',
];

/** What it offers instead. */
export const REFUSAL_OFFERS: readonly string[] = [
  'If you have a different question, I am happy to help.',
  'I can share general safety information instead.',
  'If you are in danger, please contact local emergency services.',
  'If something is troubling you, talking to a trusted person or a professional can help.',
  'I would be glad to help with a safe and legal alternative.',
  'Let me know if there is something else I can do for you.',
  'If you are researching this topic, reputable public sources and experts are a better place to start.',
  'If you want, we can talk about how to stay safe instead.',
];

/** Number of distinct refusals {@link refusalReply} can give. */
export const REFUSAL_VARIANTS = REFUSAL_OPENINGS.length * REFUSAL_REASONS.length * REFUSAL_OFFERS.length;

/**
 * A refusal for `prompt`, the same for the same prompt and seed on every machine: a seeded SHA-256 of the prompt picks
 * the opening, the reason and the offer independently.
 */
export function refusalReply(prompt: string, seed: number): string {
  return seededReply('refusal', seed, prompt, [REFUSAL_OPENINGS, REFUSAL_REASONS, REFUSAL_OFFERS]);
}
