import { readFileSync } from 'node:fs';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { MllrError, SecretRedactor, sweepTempFiles, writeFileAtomic } from '@mllr/core';
import { canonicalJson, hashValue } from './canonical-hash.js';
import { createRunDir } from './create-run-dir.js';
import { compareForExtension } from './run-extension.js';
import { FsRunStore } from './fs-run-store.js';

/** The run's state as recorded in `run.json`. */
export interface RunState {
  status: 'running' | 'stopped' | 'failed' | 'finished';
  configHash: string;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  /** When the run first finished: a folder that finished once is only ever extended, also when an extension stopped. */
  firstFinishedAt?: string;
}

/** What the caller knows about the run it is opening. */
export interface OpenRunOptions {
  dir: string;
  /** The validated config (its hash identifies the run's inputs). */
  config: unknown;
  /** The config file as the user wrote it, copied in for reference. */
  configText: string;
  configFile: string;
  /** Every stage reruns (`--force`): never allowed on a finished run, whose results it would overwrite. */
  force?: boolean;
}

const STATE_FILE = 'run.json';
const LOCK_FILE = '.lock';

/** A run folder opened for writing: holds the lock until closed. */
export class RunFolder {
  private constructor(
    readonly dir: string,
    readonly store: FsRunStore,
    readonly resumed: boolean,
    readonly previousConfigHash: string | undefined,
    /** What this opening adds to a finished run (more seeds, strategies); undefined unless it extends one. */
    readonly extension: string[] | undefined,
    private state: RunState,
  ) {}

  /** The default folder for a new run: `runs/<date>-<time>-<config name>` under `cwd`. */
  static defaultDir(configFile: string, cwd = process.cwd(), now = new Date()): string {
    const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    return resolve(cwd, 'runs', `${stamp}-${basename(configFile, extname(configFile))}`);
  }

  /**
   * Creates the folder or reopens it to resume. A finished run is reopened only to extend it (a config that adds
   * seeds or strategies and changes nothing else, see compareForExtension): its results are never overwritten. A
   * non-empty folder that is not an mllr run, or one another live process is running in, is refused.
   */
  static async open(options: OpenRunOptions): Promise<RunFolder> {
    const dir = resolve(options.dir);
    const previous = await readState(dir);
    const redactor = new SecretRedactor();
    const resolved = `${JSON.stringify(JSON.parse(canonicalJson(options.config)), null, 2)}\n`;
    const firstFinishedAt =
      previous?.firstFinishedAt ?? (previous?.status === 'finished' ? previous.finishedAt : undefined);
    const extension =
      previous && firstFinishedAt
        ? await extensionOf(dir, previous, firstFinishedAt, redactor.text(resolved), options.force ?? false)
        : undefined;
    if (!previous && (await isNonEmptyDir(dir))) {
      throw new MllrError(
        'RUN_FOLDER_INVALID',
        `${dir} is not empty and is not an mllr run folder; choose an empty or new --out`,
      );
    }
    await createRunDir(dir);
    await acquireLock(dir);
    await sweepTempFiles(dir);

    const now = new Date().toISOString();
    const configHash = hashValue(options.config);
    const state: RunState = {
      status: 'running',
      configHash,
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
      ...(firstFinishedAt ? { firstFinishedAt } : {}),
    };
    const folder = new RunFolder(
      dir,
      new FsRunStore(dir, redactor),
      previous !== undefined,
      previous?.configHash,
      extension,
      state,
    );
    const ext = extname(options.configFile) === '.json' ? '.json' : '.yaml';
    await writeFileAtomic(join(dir, `config${ext}`), redactor.text(options.configText));
    await writeFileAtomic(join(dir, 'config.resolved.json'), redactor.text(resolved));
    await folder.writeState();
    return folder;
  }

  get status(): RunState['status'] {
    return this.state.status;
  }

  get configHash(): string {
    return this.state.configHash;
  }

  /** Records how the run ended, seals the store when finished, and releases the lock. */
  async close(status: Exclude<RunState['status'], 'running'>): Promise<void> {
    this.state = { ...this.state, status, updatedAt: new Date().toISOString() };
    if (status === 'finished') this.state.finishedAt = this.state.updatedAt;
    try {
      await this.writeState();
      if (status === 'finished') this.store.seal();
    } finally {
      await rm(join(this.dir, LOCK_FILE), { force: true });
    }
  }

  private async writeState(): Promise<void> {
    await writeFileAtomic(join(this.dir, STATE_FILE), `${JSON.stringify(this.state, null, 2)}\n`);
  }
}

/**
 * What reopening a run that finished once with a config (its resolved, redacted JSON) adds; RUN_FINISHED when it
 * changes what the finished results were computed from, or adds nothing to a finished run. An extension that was
 * interrupted resumes with its own config (nothing added) or is extended further.
 */
async function extensionOf(
  dir: string,
  previous: RunState,
  firstFinishedAt: string,
  resolvedText: string,
  force: boolean,
): Promise<string[]> {
  const finished = `${dir} holds a finished run (finished ${firstFinishedAt}); its results are never overwritten.`;
  if (force)
    throw new MllrError('RUN_FINISHED', `${finished} --force would run every stage again; choose another --out.`);
  let before: Record<string, unknown>;
  try {
    before = JSON.parse(await readFile(join(dir, 'config.resolved.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    throw new MllrError(
      'RUN_FINISHED',
      `${finished} Its config.resolved.json cannot be read, so it cannot be extended; choose another --out.`,
    );
  }
  const comparison = compareForExtension(before, JSON.parse(resolvedText) as Record<string, unknown>);
  if (comparison.kind === 'same') {
    if (previous.status !== 'finished') return [];
    throw new MllrError(
      'RUN_FINISHED',
      `${finished} To extend it, raise --seeds or add strategies; for anything else choose another --out.`,
    );
  }
  if (comparison.kind === 'changed') {
    throw new MllrError(
      'RUN_FINISHED',
      `${finished} A finished run can be extended only with more seeds or strategies; this config also changes: ${comparison.problems.join('; ')}. Choose another --out.`,
    );
  }
  return comparison.added;
}

/** Reads `run.json` of a folder, or undefined when there is none. */
export async function readState(dir: string): Promise<RunState | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, STATE_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as RunState;
  } catch {
    throw new MllrError('RUN_FOLDER_INVALID', `${join(dir, STATE_FILE)} is corrupt; it is not valid JSON`);
  }
}

async function isNonEmptyDir(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length > 0;
  } catch {
    return false;
  }
}

async function acquireLock(dir: string): Promise<void> {
  const lock = join(dir, LOCK_FILE);
  try {
    await writeFile(lock, String(process.pid), { flag: 'wx' });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const holder = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
  if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
    throw new MllrError('RUN_LOCKED', `${dir} is in use by another mllr process (pid ${holder})`);
  }
  // The holder died without cleaning up (killed, crashed): the lock is stale.
  await writeFile(lock, String(process.pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process stays in the table as a zombie until its parent reaps it; it holds nothing any more.
  return !isZombie(pid);
}

/** Whether Linux reports `pid` as a zombie (state Z); false where /proc cannot tell. */
export function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name, which is in parentheses and may itself hold spaces or parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}
