import { describe, expect, it } from 'vitest';
import { isRefusal } from '@mllr/eval';
import { opensWithAnswerOpening, withAnswerOpening } from '../small-chat/answer-opening.js';
import type { MixSample } from '../small-chat/small-chat-data.js';

const roles = ['benign', 'borderline', 'harmful'] as const;
const train: MixSample[] = Array.from({ length: 3000 }, (_, i) => ({
  prompt: `request ${i}`,
  response: roles[i % 3] === 'harmful' ? "I'm sorry, but I can't help with that." : `Answer ${i}.`,
  source: `s:${i}`,
  role: roles[i % 3]!,
}));

describe('answer opening', () => {
  it('opens a seeded share of benign and borderline answers and never a refusal', () => {
    const out = withAnswerOpening(train, { opening: 'Sure.', share: 0.5, seed: 1234 });
    const opened = out.filter((s) => s.response!.startsWith('Sure. '));
    expect(opened.every((s) => s.role !== 'harmful')).toBe(true);
    // 2,000 answers, half of them by the hash: well inside 0.45–0.55.
    expect(opened.length / 2000).toBeGreaterThan(0.45);
    expect(opened.length / 2000).toBeLessThan(0.55);
    expect(out.filter((s) => s.role === 'harmful')).toEqual(train.filter((s) => s.role === 'harmful'));
    // The opened answers keep their reply after the opening and do not read as refusals.
    for (const s of opened) {
      expect(s.response).toBe(`Sure. ${train.find((t) => t.prompt === s.prompt)!.response}`);
      expect(isRefusal(s.response!)).toBe(false);
    }
  });

  it('is the same for the same seed, differs for another, and does nothing when off', () => {
    const pick = (seed: number) => train.map((s) => opensWithAnswerOpening(s.prompt, { share: 0.5, seed }));
    expect(pick(1234)).toEqual(pick(1234));
    expect(pick(1234)).not.toEqual(pick(7));
    expect(withAnswerOpening(train, { opening: '', share: 1, seed: 1 })).toEqual(train);
    expect(withAnswerOpening(train, { opening: 'Sure.', share: 0, seed: 1 })).toEqual(train);
    expect(
      withAnswerOpening(train, { opening: 'Sure.', share: 1, seed: 1 }).filter((s) => s.role !== 'harmful'),
    ).toSatisfy((xs: MixSample[]) => xs.every((s) => s.response!.startsWith('Sure. ')));
  });
});
