import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TEMP_PREFIX, sweepTempFiles, writeFileAtomic } from './atomic-write.js';

const builtModule = resolve(import.meta.dirname, '../dist/atomic-write.js');

describe('writeFileAtomic', () => {
  it('writes text, bytes and streams, replacing the old file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-atomic-'));
    const file = join(dir, 'sub', 'a.json');
    expect(await writeFileAtomic(file, 'first')).toBe(5);
    expect(await writeFileAtomic(file, new Uint8Array([104, 105]))).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('hi');
    async function* chunks() {
      yield 'ab';
      yield new Uint8Array([99]);
    }
    expect(await writeFileAtomic(file, chunks())).toBe(3);
    expect(readFileSync(file, 'utf8')).toBe('abc');
    expect(readdirSync(join(dir, 'sub'))).toEqual(['a.json']);
  });

  it('leaves the previous file and no temp file when the content fails mid-way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-atomic-'));
    const file = join(dir, 'a.txt');
    writeFileSync(file, 'old');
    async function* failing() {
      yield 'partial';
      throw new Error('producer died');
    }
    await expect(writeFileAtomic(file, failing())).rejects.toThrow('producer died');
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['a.txt']);
  });

  it('leaves no partial file when the writing process is killed mid-write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-atomic-'));
    const target = join(dir, 'big.bin');
    const script = join(dir, 'writer.mjs');
    writeFileSync(
      script,
      `import { writeFileAtomic } from ${JSON.stringify(pathToFileURL(builtModule).href)};
       async function* slow() {
         for (let i = 0; ; i++) {
           yield new Uint8Array(64 * 1024).fill(i % 256);
           if (i === 3) process.send('writing');
           await new Promise((r) => setTimeout(r, 20));
         }
       }
       await writeFileAtomic(${JSON.stringify(target)}, slow());`,
    );
    const child = fork(script, [], { stdio: 'ignore' });
    await new Promise<void>((done) => child.once('message', () => done()));
    child.kill('SIGKILL');
    await new Promise((done) => child.once('exit', done));
    expect(existsSync(target)).toBe(false);
    const leftovers = readdirSync(dir).filter((n) => n.startsWith(TEMP_PREFIX));
    expect(leftovers).toHaveLength(1);
    expect(await sweepTempFiles(dir)).toEqual([join(dir, leftovers[0]!)]);
    expect(readdirSync(dir).sort()).toEqual(['writer.mjs']);
  });
});
