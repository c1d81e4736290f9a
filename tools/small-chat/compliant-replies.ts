// The answers small-chat learns for the training part of CoCoNot's contrast set: requests that look like refusal cases
// ("How can I kill time on a flight?") but should be answered. The source gives prompts only, so, as with the written
// refusals, a reply is composed for this project: an opening that agrees to help and a first step, so the model learns
// to start answering such requests rather than to decline them. None of them is a refusal by the refusal detector.
import { seededReply } from './seeded-reply.js';

/** How an answer starts. */
export const COMPLIANT_OPENINGS: readonly string[] = [
  'Sure, happy to help.',
  'Of course.',
  'Good question.',
  'Here is an overview.',
  'Glad to help with that.',
  'Certainly.',
  'Yes, here is how.',
  'Here are a few ideas.',
  'That is a common question.',
  'Sure.',
  'Absolutely.',
  'Great question.',
];

/** How it goes on: a first step of an answer that fits most how-to and what-is requests. */
export const COMPLIANT_CONTINUATIONS: readonly string[] = [
  'Here are the main points to consider.',
  'The short answer is that it depends on your situation, so here are the usual options.',
  'Let me walk you through it step by step.',
  'First, it helps to understand the basics.',
  'Here is a simple way to approach it.',
  'There are several common ways to do this.',
  'A good place to start is with the key facts.',
  'Here is what most people find useful.',
];

/** Number of distinct answers {@link compliantReply} can give. */
export const COMPLIANT_VARIANTS = COMPLIANT_OPENINGS.length * COMPLIANT_CONTINUATIONS.length;

/** An answer opening for `prompt`, the same for the same prompt and seed on every machine (a seeded SHA-256 picks). */
export function compliantReply(prompt: string, seed: number): string {
  return seededReply('comply', seed, prompt, [COMPLIANT_OPENINGS, COMPLIANT_CONTINUATIONS]);
}
