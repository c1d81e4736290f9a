import { describe, expect, it } from 'vitest';
import { isCiEnvironment } from './cli-io.js';

describe('isCiEnvironment', () => {
  it('is true when CI or CONTINUOUS_INTEGRATION is set to anything but 0 or false', () => {
    expect(isCiEnvironment({ CI: 'true' })).toBe(true);
    expect(isCiEnvironment({ CI: '' })).toBe(true);
    expect(isCiEnvironment({ CONTINUOUS_INTEGRATION: '1' })).toBe(true);
  });

  it('is false when neither is set, or when set to 0 or false', () => {
    expect(isCiEnvironment({})).toBe(false);
    expect(isCiEnvironment({ CI: '0' })).toBe(false);
    expect(isCiEnvironment({ CI: 'false', CONTINUOUS_INTEGRATION: 'false' })).toBe(false);
  });
});
