import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runModelSource } from './pinned-model.js';

const OLD = 'a'.repeat(40);
const NEW = 'b'.repeat(40);

describe('runModelSource', () => {
  let cache: string;
  let saved: string | undefined;
  const snapshot = (commit: string) => join(cache, 'models--org--name', 'snapshots', commit);

  beforeAll(() => {
    cache = mkdtempSync(join(tmpdir(), 'mllr-pinned-'));
    for (const commit of [OLD, NEW]) mkdirSync(snapshot(commit), { recursive: true });
    mkdirSync(join(cache, 'models--org--name', 'refs'));
    // The branch has moved on to NEW since a run started on OLD.
    writeFileSync(join(cache, 'models--org--name', 'refs', 'main'), NEW);
    saved = process.env['HF_HUB_CACHE'];
    process.env['HF_HUB_CACHE'] = cache;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env['HF_HUB_CACHE'];
    else process.env['HF_HUB_CACHE'] = saved;
  });

  function runWith(hub: Record<string, string> | undefined): string {
    const run = mkdtempSync(join(tmpdir(), 'mllr-pinned-run-'));
    if (hub) writeFileSync(join(run, 'base.json'), JSON.stringify({ model: snapshot(hub['commit']!), hub }));
    return run;
  }

  it('follows the branch without a run folder or before the base stage recorded a commit', () => {
    expect(runModelSource('org/name', '/', undefined).hub?.commit).toBe(NEW);
    expect(runModelSource('org/name', '/', runWith(undefined)).hub?.commit).toBe(NEW);
  });

  it("keeps the commit the run folder's base.json records for the same id, with the id as given", () => {
    const run = runWith({ id: 'org/name', repo: 'org/name', revision: 'main', commit: OLD, folder: snapshot(OLD) });
    const source = runModelSource('org/name', '/', run);
    expect(source).toEqual({
      given: 'org/name',
      dir: snapshot(OLD),
      hub: expect.objectContaining({
        id: 'org/name',
        repo: 'org/name',
        revision: 'main',
        commit: OLD,
        dir: snapshot(OLD),
      }),
    });
  });

  it('resolves afresh when the config names another id or revision than the record', () => {
    const run = runWith({ id: 'org/name@v1', repo: 'org/name', revision: 'v1', commit: OLD, folder: snapshot(OLD) });
    expect(runModelSource('org/name', '/', run).hub?.commit).toBe(NEW);
  });

  it('says which commit the run needs when the cache lost its snapshot', () => {
    const gone = 'c'.repeat(40);
    const run = runWith({ id: 'org/name', repo: 'org/name', revision: 'main', commit: gone, folder: snapshot(gone) });
    expect(() => runModelSource('org/name', '/', run)).toThrow(
      `this run started on org/name at commit ${gone}, which the Hugging Face cache no longer has`,
    );
    rmSync(run, { recursive: true });
  });
});
