import { describe, expect, it } from 'vitest';
import type { TrainExample } from '../contracts/training-engine.js';
import { checkLossTargets, markLossPositions, responseSpans } from './loss-targets.js';

function positions(example: TrainExample): number[] {
  const mask = new Float32Array(example.ids.length);
  const count = markLossPositions(example, mask);
  const marked = [...mask.keys()].filter((t) => mask[t] === 1);
  expect(marked.length).toBe(count);
  return marked;
}

describe('loss targets', () => {
  it('without spans: positions promptLength − 1 … predict the response tokens after the prompt', () => {
    const example = { ids: [1, 2, 3, 4, 5, 6], promptLength: 3 };
    expect(responseSpans(example)).toEqual([[3, 6]]);
    expect(positions(example)).toEqual([2, 3, 4]);
    // Token 0 is never predicted: a prompt of 0 counts tokens 1 … n − 1.
    expect(positions({ ids: [1, 2, 3], promptLength: 0 })).toEqual([0, 1]);
  });

  it('with spans: only the tokens inside them, each predicted by the position before it', () => {
    const example: TrainExample = {
      ids: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      promptLength: 2,
      responseSpans: [
        [2, 4],
        [7, 9],
      ],
    };
    expect(positions(example)).toEqual([1, 2, 6, 7]);
    // The single span [promptLength, n) is the simple case exactly.
    const simple = { ids: [1, 2, 3, 4, 5, 6], promptLength: 3 };
    expect(positions({ ...simple, responseSpans: [[3, 6]] })).toEqual(positions(simple));
  });

  it('writes at an offset (one row of a padded batch) and leaves other positions alone', () => {
    const mask = new Float32Array(12).fill(0);
    expect(
      markLossPositions(
        {
          ids: [1, 2, 3, 4, 5],
          promptLength: 1,
          responseSpans: [
            [1, 2],
            [4, 5],
          ],
        },
        mask,
        6,
      ),
    ).toBe(2);
    expect([...mask]).toEqual([0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0]);
  });

  it('refuses examples without response tokens and spans that are empty, out of range, out of order or off promptLength', () => {
    const ids = [1, 2, 3, 4, 5, 6];
    expect(() => checkLossTargets({ ids, promptLength: 6 }, 3)).toThrow(
      'training example 3 has no response tokens (prompt 6 of 6 tokens)',
    );
    expect(() => checkLossTargets({ ids, promptLength: 2, responseSpans: [] }, 0)).toThrow('is empty');
    for (const spans of [
      [[2, 2]],
      [[2, 7]],
      [
        [2, 4],
        [3, 5],
      ],
      [
        [4, 5],
        [2, 3],
      ],
      [[2, 3.5]],
    ] as Array<Array<[number, number]>>) {
      expect(() => checkLossTargets({ ids, promptLength: 2, responseSpans: spans }, 1), JSON.stringify(spans)).toThrow(
        'training example 1: responseSpans',
      );
    }
    expect(() => checkLossTargets({ ids, promptLength: 1, responseSpans: [[2, 4]] }, 0)).toThrow(
      'must start at promptLength 1',
    );
    expect(() =>
      checkLossTargets(
        {
          ids,
          promptLength: 2,
          responseSpans: [
            [2, 3],
            [3, 6],
          ],
        },
        0,
      ),
    ).not.toThrow();
  });
});
