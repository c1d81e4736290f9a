import type { InvalidRecord } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { DataLedger, UNKNOWN_TOKEN_WARNING, unknownTokenRate, unknownTokenWarning } from './data-ledger.js';

const bad = (where: string, reason: string): InvalidRecord => ({
  where,
  reason,
  message: `${where}: ${reason} message`,
});

describe('DataLedger', () => {
  it('counts skipped records per file and reason, from reading and from later tokenizing', () => {
    const ledger = new DataLedger();
    ledger.read('a.json', 8, [bad('a.json#1', 'wrong_type'), bad('a.json#4', 'missing_field')]);
    ledger.skip('a.json', bad('a.json#7', 'empty_response'));
    ledger.skip('a.json', bad('a.json#9', 'empty_response'));
    expect(ledger.use('a.json', true)).toEqual({
      records: 10,
      skipped: { empty_response: 2, missing_field: 1, wrong_type: 1 },
    });
    // Uses that do not train on the file (evaluation, the probe) keep the records skipped for training.
    expect(ledger.use('a.json')).toEqual({ records: 10, skipped: { missing_field: 1, wrong_type: 1 } });
    expect(ledger.use('never-read.json')).toEqual({ records: 0, skipped: {} });
  });

  it('refuses a file where more than half the records cannot be used, naming the main reason and the first record', () => {
    const ledger = new DataLedger();
    ledger.read('half.json', 2, [bad('half.json#0', 'wrong_type'), bad('half.json#1', 'wrong_type')]); // exactly half: allowed
    expect(() =>
      ledger.read('most.json', 1, [bad('most.json#0', 'missing_field'), bad('most.json#2', 'missing_field')]),
    ).toThrow(
      expect.objectContaining({
        code: 'DATA_INVALID',
        message: expect.stringMatching(
          /^most\.json: 2 of its 3 records cannot be used \(mostly missing field: 2\); the first: most\.json#0: missing_field message/,
        ),
      }),
    );

    ledger.read('ift.json', 4, []);
    for (const i of [0, 1]) ledger.skip('ift.json', bad(`ift.json#${i}`, 'no_tokens'));
    expect(() => ledger.check('ift.json')).not.toThrow();
    ledger.skip('ift.json', bad('ift.json#2', 'too_long'));
    expect(() => ledger.check('ift.json')).toThrow(
      expect.objectContaining({
        message: expect.stringContaining('3 of its 4 records cannot be used (mostly no tokens: 2)'),
      }),
    );
  });

  it('keeps the larger read of a file read twice (another set with a smaller limit)', () => {
    const ledger = new DataLedger();
    ledger.read('a.json', 10, [bad('a.json#3', 'wrong_type')]);
    ledger.read('a.json', 2, []);
    expect(ledger.use('a.json')).toEqual({ records: 11, skipped: { wrong_type: 1 } });
  });
});

describe('unknown tokens', () => {
  const tokenizer = (unkTokenId?: number) => ({
    ...(unkTokenId === undefined ? {} : { unkTokenId }),
    // Known words are ids 1..; anything with a digit maps to 0.
    encode: (text: string) =>
      text
        .split(/\s+/)
        .filter(Boolean)
        .map((w) => (/\d/.test(w) ? 0 : w.length)),
  });

  it('is the share of prompt tokens that are the unknown id, and undefined without one', () => {
    expect(unknownTokenRate(['a b c d', 'x1 y'], tokenizer(0))).toBeCloseTo(1 / 6);
    expect(unknownTokenRate(['a b'], tokenizer(0))).toBe(0);
    expect(unknownTokenRate(['a1 b'], tokenizer())).toBeUndefined();
    expect(unknownTokenRate([], tokenizer(0))).toBeUndefined();
  });

  it(`warns above ${UNKNOWN_TOKEN_WARNING * 100}%, naming the dataset and the share`, () => {
    expect(unknownTokenWarning('f.json', 0.05)).toBeUndefined();
    expect(unknownTokenWarning('f.json', undefined)).toBeUndefined();
    expect(unknownTokenWarning('f.json', 0.4)).toMatch(
      /^f\.json: 40\.0% of the prompt tokens are the tokenizer's unknown token/,
    );
  });
});
