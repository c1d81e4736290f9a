import { MllrError, type MetricValue } from '@mllr/core';
import { assertSameLength, ratio } from './metric-value.js';

/**
 * The default answer normalisation: Unicode NFKC, lower-case, whitespace collapsed to single spaces, trimmed, and
 * trailing punctuation (`. , ; : ! ?` and their full-width forms) removed.
 */
export function normaliseAnswer(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\s.,;:!?。、！？]+$/u, '');
}

/**
 * True when the normalised response equals the normalised answer, or starts with it and goes on after a word
 * boundary: whitespace, or a punctuation mark followed by whitespace. So "Paris. It is the capital" matches "Paris",
 * while "Parisian" and "4.5" (for "4") do not.
 */
export function matchesAnswer(
  response: string,
  answer: string,
  normalise: (text: string) => string = normaliseAnswer,
): boolean {
  const r = normalise(response);
  const a = normalise(answer);
  if (a === '')
    throw new MllrError('DATA_INVALID', `the expected answer ${JSON.stringify(answer)} is empty after normalisation`);
  if (r === a) return true;
  return r.startsWith(a) && /^(\s|[.,;:!?)\]"'](\s|$))/.test(r.slice(a.length));
}

/** Share of responses that match their expected answer ({@link matchesAnswer}). */
export function exactMatchAccuracy(
  responses: readonly string[],
  answers: readonly string[],
  normalise: (text: string) => string = normaliseAnswer,
): MetricValue {
  assertSameLength(responses, 'responses', answers, 'answers');
  const correct = responses.filter((response, i) => matchesAnswer(response, answers[i]!, normalise)).length;
  return ratio(correct, responses.length, 'exact-match accuracy');
}
