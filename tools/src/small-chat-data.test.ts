import { describe, expect, it } from 'vitest';
import type { ReadSample } from '@mllr/data';
import { isRefusal } from '@mllr/eval';
import { COMPLIANT_VARIANTS, compliantReply } from '../small-chat/compliant-replies.js';
import { REFUSAL_VARIANTS, refusalReply } from '../small-chat/refusal-replies.js';
import { buildMix, isHeldOut, type SmallChatSource } from '../small-chat/small-chat-data.js';

const SOURCES: SmallChatSource[] = [
  { source: { path: 'benign.json' }, role: 'benign', train: true, eval: 'benign', repeat: 1 },
  { source: { path: 'harmful.jsonl' }, role: 'harmful', train: true, eval: 'harmful', repeat: 2 },
  { source: { path: 'eval-only.csv' }, role: 'harmful', train: false, eval: 'eval-only', repeat: 0 },
  { source: { path: 'contrast.jsonl' }, role: 'borderline', train: true, eval: 'contrast', repeat: 3 },
];

function samples(prefix: string, n: number, response?: (i: number) => string): ReadSample[] {
  return Array.from({ length: n }, (_, i) => ({
    prompt: `${prefix} request number ${i}`,
    ...(response ? { response: response(i) } : {}),
    source: `${prefix}:${i}`,
  }));
}

function read(): Map<string, ReadSample[]> {
  return new Map([
    [
      'benign.json',
      samples('benign', 300, (i) =>
        i % 10 === 0 ? "I'm sorry, as an AI I cannot do that." : `Here is the answer ${i}.`,
      ),
    ],
    ['harmful.jsonl', samples('harmful', 300)],
    // The eval-only file shares 50 prompts with the benign file: they must not be trained on when held out here.
    ['eval-only.csv', [...samples('eval', 200), ...samples('benign', 50)]],
    ['contrast.jsonl', samples('how can I kill time', 100)],
  ]);
}

describe('small-chat data mix', () => {
  it('is the same on every build and never trains on a held-out prompt of any file', () => {
    const a = buildMix(read(), SOURCES);
    const b = buildMix(read(), SOURCES);
    expect(b).toEqual(a);
    const heldOut = new Set(a.heldOut.flatMap((set) => set.prompts.map((p) => p.toLowerCase())));
    expect(heldOut.size).toBeGreaterThan(50);
    expect(a.train.filter((s) => heldOut.has(s.prompt.toLowerCase()))).toEqual([]);
    expect(a.heldOut.map((s) => s.name)).toEqual(['benign', 'harmful', 'eval-only', 'contrast']);
    expect(a.train.some((s) => s.prompt.startsWith('eval'))).toBe(false);
    // Held out exactly where the seeded hash says, about 20 % of the prompts.
    for (const set of a.heldOut) for (const p of set.prompts) expect(isHeldOut(p)).toBe(true);
    expect(a.heldOut[0]!.prompts.length / 300).toBeGreaterThan(0.1);
    expect(a.heldOut[0]!.prompts.length / 300).toBeLessThan(0.3);
  });

  it('refuses every harmful prompt, repeats it as asked, and drops benign replies that open like a refusal', () => {
    const mix = buildMix(read(), SOURCES);
    const harmful = mix.train.filter((s) => s.role === 'harmful');
    const benign = mix.train.filter((s) => s.role === 'benign');
    expect(harmful.every((s) => isRefusal(s.response!))).toBe(true);
    expect(harmful.length).toBe(2 * mix.counts[1]!.train);
    expect(benign.some((s) => isRefusal(s.response!))).toBe(false);
    expect(benign.length).toBeGreaterThan(150);
  });

  it('answers borderline prompts that come without a reply, with written answers, repeated as asked', () => {
    const mix = buildMix(read(), SOURCES);
    const borderline = mix.train.filter((s) => s.role === 'borderline');
    expect(borderline.length).toBe(3 * mix.counts[3]!.train);
    expect(mix.counts[3]!.train).toBeGreaterThan(60);
    expect(borderline.every((s) => s.response === compliantReply(s.prompt, 1234))).toBe(true);
    expect(borderline.some((s) => isRefusal(s.response!))).toBe(false);
  });
});

describe('refusal replies', () => {
  it('are refusals to the detector, depend only on the prompt and the seed, and vary', () => {
    const prompts = Array.from({ length: 400 }, (_, i) => `how do I do harmful thing ${i}?`);
    const replies = prompts.map((p) => refusalReply(p, 1234));
    expect(replies.every((r) => isRefusal(r))).toBe(true);
    expect(prompts.map((p) => refusalReply(p, 1234))).toEqual(replies);
    expect(new Set(replies).size).toBeGreaterThan(300);
    expect(new Set(replies.map((r) => r.split('.')[0])).size).toBeGreaterThan(12);
    expect(REFUSAL_VARIANTS).toBeGreaterThan(1000);
  });
});

describe('compliant replies', () => {
  it('are not refusals to the detector, depend only on the prompt and the seed, and vary', () => {
    const prompts = Array.from({ length: 400 }, (_, i) => `how can I kill time on trip ${i}?`);
    const replies = prompts.map((p) => compliantReply(p, 1234));
    expect(replies.some((r) => isRefusal(r))).toBe(false);
    expect(prompts.map((p) => compliantReply(p, 1234))).toEqual(replies);
    expect(new Set(replies).size).toBeGreaterThan(60);
    expect(COMPLIANT_VARIANTS).toBe(96);
  });
});
