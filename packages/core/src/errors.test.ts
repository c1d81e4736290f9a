import { describe, expect, it } from 'vitest';
import { ERROR_CODES, MllrError, StoppedError, exitCodeFor, toMllrError } from './errors.js';

describe('MllrError', () => {
  it('maps every code to the documented exit class', () => {
    expect(new MllrError('CONFIG_INVALID', 'x').exitCode).toBe(2);
    expect(new MllrError('ENGINE_CRASHED', 'x').exitCode).toBe(1);
    expect(new StoppedError().exitCode).toBe(130);
    for (const code of Object.keys(ERROR_CODES) as Array<keyof typeof ERROR_CODES>) {
      expect([1, 2, 130]).toContain(new MllrError(code, 'x').exitCode);
    }
  });

  it('survives a trip through JSON with its details', () => {
    const error = new MllrError('CONFIG_INVALID', 'config has 2 problems:', {
      details: [{ where: 'a.yaml:1:1 seed', message: 'too small' }, { message: 'no where' }],
    });
    const back = MllrError.fromJSON(JSON.parse(JSON.stringify(error)));
    expect(back).toBeInstanceOf(MllrError);
    expect(back.code).toBe('CONFIG_INVALID');
    expect(back.describe()).toBe('config has 2 problems:\n  a.yaml:1:1 seed: too small\n  no where');
    expect(MllrError.fromJSON({ code: 'FROM_THE_FUTURE', message: 'm' }).code).toBe('INTERNAL');
  });

  it('normalises anything thrown', () => {
    expect(toMllrError(new TypeError('bad')).message).toBe('bad');
    expect(toMllrError('text').code).toBe('INTERNAL');
    expect(exitCodeFor(new Error('x'))).toBe(1);
    expect(exitCodeFor(new MllrError('ARGUMENT_INVALID', 'x'))).toBe(2);
  });
});
