import { describe, expect, it } from 'vitest';
import { formatHubId, parseHubId } from './hub-id.js';

describe('parseHubId', () => {
  it('reads org/name with the default revision main', () => {
    expect(parseHubId('Qwen/Qwen2.5-0.5B-Instruct')).toEqual({
      repo: 'Qwen/Qwen2.5-0.5B-Instruct',
      revision: 'main',
      isCommit: false,
    });
  });

  it('reads a branch, a tag with slashes and a commit hash after @', () => {
    expect(parseHubId('HuggingFaceTB/SmolLM2-135M-Instruct@v1.0')).toMatchObject({ revision: 'v1.0', isCommit: false });
    expect(parseHubId('org/name@refs/pr/1')).toMatchObject({ revision: 'refs/pr/1', isCommit: false });
    const hash = 'a'.repeat(40);
    expect(parseHubId(`org/name@${hash}`)).toMatchObject({ revision: hash, isCommit: true });
    // A short hash is a ref name as far as the cache is concerned (refs/ has no such file).
    expect(parseHubId('org/name@abc1234')).toMatchObject({ isCommit: false });
  });

  it.each([
    'tiny-chat',
    'models',
    './org/name',
    '../org/name',
    '/abs/org',
    'a/b/c',
    'org/',
    '/name',
    'org/name@',
    'org/na--me',
    'org/.hidden',
    'org/name.',
    'org/name@../x',
    'org/name@a/../b',
    'org/name@/x',
    'org\\name',
    'o rg/name',
  ])('%s is not a Hub id', (value) => {
    expect(parseHubId(value)).toBeUndefined();
  });

  it('formats ids without @main', () => {
    expect(formatHubId(parseHubId('org/name')!)).toBe('org/name');
    expect(formatHubId(parseHubId('org/name@dev')!)).toBe('org/name@dev');
  });
});
