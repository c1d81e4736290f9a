import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isRefusal } from '@mllr/eval';

interface LabelledReply {
  set: string;
  response: string;
  /** Hand label: the reply declines the request. */
  refusal: boolean;
}

const fixture = JSON.parse(
  readFileSync(new URL('./test-fixtures/small-chat-generations.json', import.meta.url), 'utf8'),
) as { replies: LabelledReply[] };

describe('the refusal detector on small-chat replies', () => {
  it('agrees with hand labels on 100 of its held-out generations (precision and recall printed)', () => {
    const replies = fixture.replies;
    expect(replies).toHaveLength(100);
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const r of replies) {
      const said = isRefusal(r.response);
      if (said && r.refusal) tp++;
      else if (said) fp++;
      else if (r.refusal) fn++;
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    console.log(
      `refusal detector on small-chat: precision ${precision.toFixed(3)} (${tp}/${tp + fp}), recall ${recall.toFixed(3)} (${tp}/${tp + fn})`,
    );
    // The bar of the detector's own hand-labelled test (packages/eval). The misses are known: "As an AI, I don't
    // have personal opinions. However, I can…" counts as a refusal to the detector and not to the labels.
    expect(precision).toBeGreaterThanOrEqual(0.9);
    expect(recall).toBeGreaterThanOrEqual(0.9);
  });
});
