import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as nodeFs from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TEMP_PREFIX, sweepTempFiles, writeFileAtomic, type AtomicWriteFs } from './atomic-write.js';
import { MllrError } from '../errors.js';

/** The real file system with one call failing with an errno code, as a full or read-only disk would. */
function failingFs(call: keyof AtomicWriteFs, code: string): AtomicWriteFs {
  const fail = () => Promise.reject(Object.assign(new Error(`${code}: injected`), { code }));
  return {
    mkdir: nodeFs.mkdir,
    open: nodeFs.open,
    rename: nodeFs.rename,
    rm: nodeFs.rm,
    [call]: fail,
  } as AtomicWriteFs;
}

const builtModule = resolve(import.meta.dirname, '../../dist/utils/atomic-write.js');

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

  it.each([
    [
      'open',
      'EROFS',
      'the file system is read-only',
      'Make the file system writable or choose another --out, then rerun to resume.',
    ],
    [
      'rename',
      'ENOSPC',
      'the disk is full',
      'Free some space, then rerun the same command on the same folder to resume.',
    ],
    [
      'mkdir',
      'EACCES',
      'permission denied',
      'Give this user write access to the folder or choose another --out, then rerun to resume.',
    ],
  ] as const)(
    'a disk that refuses the write (%s: %s) is an ARTIFACT_WRITE error naming the file and what to do; the old file stays',
    async (call, code, problem, advice) => {
      const dir = mkdtempSync(join(tmpdir(), 'mllr-atomic-'));
      const file = join(dir, 'eval.json');
      writeFileSync(file, '{"old":true}');
      const error = await writeFileAtomic(file, '{"new":true}', failingFs(call, code)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MllrError);
      expect((error as MllrError).code).toBe('ARTIFACT_WRITE');
      expect((error as MllrError).exitCode).toBe(1);
      expect((error as MllrError).message).toBe(`cannot write ${file}: ${problem}; nothing was changed. ${advice}`);
      expect(readFileSync(file, 'utf8')).toBe('{"old":true}');
      expect(readdirSync(dir)).toEqual(['eval.json']);
    },
  );

  it('a crash between writing the temp file and the rename leaves the old file, and the temp file is swept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-atomic-'));
    const file = join(dir, 'summary.json');
    writeFileSync(file, 'old');
    // A rename that never happens: the process "dies" right before it.
    const hung: AtomicWriteFs = {
      mkdir: nodeFs.mkdir,
      open: nodeFs.open,
      rm: nodeFs.rm,
      rename: () => new Promise<void>(() => undefined),
    };
    void writeFileAtomic(file, 'new content', hung);
    await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(file, 'utf8')).toBe('old');
    const leftovers = readdirSync(dir).filter((n) => n.startsWith(TEMP_PREFIX));
    expect(leftovers).toHaveLength(1);
    expect(readFileSync(join(dir, leftovers[0]!), 'utf8')).toBe('new content');
    await sweepTempFiles(dir);
    expect(readdirSync(dir)).toEqual(['summary.json']);
  });
});
