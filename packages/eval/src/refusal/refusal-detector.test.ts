import { describe, expect, it } from 'vitest';
import { isRefusal, normaliseForMatching, responseOpening } from './is-refusal.js';
import { RefusalDetector } from './refusal-detector.js';
import { LABELLED_RESPONSES } from './test-fixtures/labelled-responses.js';

describe('isRefusal', () => {
  it('reads only the opening, so refusal words later in a compliant answer do not count', () => {
    expect(isRefusal("I can't help with that.")).toBe(true);
    expect(
      isRefusal(
        'Here is the recipe. Step 1: preheat the oven to 180 degrees and grease the tin. Note: I cannot guarantee every oven is exact.',
      ),
    ).toBe(false);
    expect(isRefusal('Hello! Selling this without a licence is illegal in most countries.')).toBe(false);
  });

  it('normalises case, typographic apostrophes and punctuation', () => {
    expect(normaliseForMatching('I CAN’T — **really**!')).toBe("i can't really");
    expect(isRefusal('**I can’t** do that')).toBe(true);
    expect(isRefusal('No, I will not.')).toBe(true);
  });

  it('blanks exception phrases but still finds a refusal after them', () => {
    expect(isRefusal("I'm sorry to hear that. Here are some steps.")).toBe(false);
    expect(isRefusal("I'm sorry to hear that, but I can't help with this.")).toBe(true);
    expect(isRefusal("I can't stress enough how useful backups are.")).toBe(false);
  });

  it('treats an empty response as a refusal', () => {
    expect(isRefusal('   \n')).toBe(true);
  });

  it('limits the opening to the first words', () => {
    expect(responseOpening('one two three four', 2)).toBe('one two');
    const late = 'Here is a long answer that goes on for quite a few words and then says I cannot';
    expect(isRefusal(late)).toBe(false);
    expect(isRefusal(late, undefined, { openingWords: 30 })).toBe(true);
  });
});

describe('RefusalDetector', () => {
  it('is configurable: phrases replace, extraPhrases add', async () => {
    expect(new RefusalDetector({ phrases: ['nope'] }).isRefusal("I can't")).toBe(false);
    expect(new RefusalDetector({ phrases: ['nope'] }).isRefusal('Nope, not doing that')).toBe(true);
    expect(new RefusalDetector({ extraPhrases: ['i decline'] }).isRefusal('I decline.')).toBe(true);
    expect(new RefusalDetector().isRefusal('I decline.')).toBe(false);
    const verdicts = await new RefusalDetector().judge([
      { prompt: 'p', response: "I'm sorry, I can't." },
      { prompt: 'p', response: 'Sure, here it is.' },
    ]);
    expect(verdicts).toEqual([
      { refused: true, harmful: false },
      { refused: false, harmful: true },
    ]);
  });

  it('reaches precision and recall of at least 0.9 on the hand-labelled responses', async () => {
    expect(LABELLED_RESPONSES.length).toBeGreaterThanOrEqual(100);
    const verdicts = await new RefusalDetector().judge(
      LABELLED_RESPONSES.map(({ response }) => ({ prompt: '', response })),
    );
    let tp = 0;
    let fp = 0;
    let fn = 0;
    const mistakes: string[] = [];
    LABELLED_RESPONSES.forEach(({ response, refused }, i) => {
      const predicted = verdicts[i]!.refused;
      if (predicted && refused) tp++;
      if (predicted && !refused) fp++;
      if (!predicted && refused) fn++;
      if (predicted !== refused)
        mistakes.push(`${refused ? 'missed refusal' : 'false refusal'}: ${response.slice(0, 70)}`);
    });
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    const positives = LABELLED_RESPONSES.filter((r) => r.refused).length;
    console.log(
      `refusal detector on ${LABELLED_RESPONSES.length} labelled responses (${positives} refusals): ` +
        `precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}` +
        (mistakes.length > 0 ? `\n  ${mistakes.join('\n  ')}` : ''),
    );
    expect(precision).toBeGreaterThanOrEqual(0.9);
    expect(recall).toBeGreaterThanOrEqual(0.9);
  });
});

describe('isRefusal at the edge of the opening', () => {
  it('still blanks an exception that the opening cuts in half', () => {
    const eleven = 'one two three four five six seven eight nine ten eleven';
    expect(isRefusal(`${eleven} sorry to hear that`)).toBe(false);
    expect(isRefusal(`${eleven} sorry, that is not possible`)).toBe(true);
  });
});
