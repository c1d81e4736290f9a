import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import {
  MllrError,
  SecretRedactor,
  writeFileAtomic,
  type ArtifactContent,
  type RunStore,
  type StageRecord,
} from '@mllr/core';

/**
 * The run folder on disk. Every write is atomic; nothing is written once the run is marked finished; the values of
 * secret environment variables are redacted from every artifact (see SecretRedactor).
 */
export class FsRunStore implements RunStore {
  private finished = false;

  constructor(
    readonly dir: string,
    private readonly redactor: SecretRedactor = new SecretRedactor(),
  ) {}

  /** Called when the run completes; later writes are refused so a finished run's results are never overwritten. */
  seal(): void {
    this.finished = true;
  }

  async writeArtifact(relativePath: string, content: ArtifactContent): Promise<number> {
    if (this.finished) {
      throw new MllrError('RUN_FINISHED', `run ${this.dir} is finished; refusing to overwrite ${relativePath}`);
    }
    return writeFileAtomic(this.resolve(relativePath), this.redactor.content(content));
  }

  writeJson(relativePath: string, value: unknown): Promise<number> {
    return this.writeArtifact(relativePath, `${JSON.stringify(value, null, 2)}\n`);
  }

  readText(relativePath: string): Promise<string> {
    return readFile(this.resolve(relativePath), 'utf8');
  }

  async readJson<T>(relativePath: string): Promise<T> {
    const text = await this.readText(relativePath);
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new MllrError(
        'ARTIFACT_INVALID',
        `${join(this.dir, relativePath)} is not valid JSON: ${(error as Error).message}`,
      );
    }
  }

  async exists(relativePath: string): Promise<boolean> {
    try {
      await stat(this.resolve(relativePath));
      return true;
    } catch {
      return false;
    }
  }

  async stageRecord(stage: string): Promise<StageRecord | undefined> {
    const path = recordPath(stage);
    if (!(await this.exists(path))) return undefined;
    let record: StageRecord;
    try {
      record = await this.readJson<StageRecord>(path);
    } catch {
      return undefined; // An unreadable record means the stage did not finish cleanly: run it again.
    }
    for (const artifact of record.artifacts ?? []) {
      if (!(await this.exists(artifact))) return undefined;
    }
    return record;
  }

  async recordStage(record: StageRecord): Promise<void> {
    await this.writeJson(recordPath(record.stage), record);
  }

  /** Absolute path inside the run folder; paths that escape it are rejected. */
  resolve(relativePath: string): string {
    const clean = normalize(relativePath);
    if (isAbsolute(clean) || clean === '..' || clean.startsWith(`..${sep}`)) {
      throw new MllrError('INTERNAL', `artifact path ${relativePath} must stay inside the run folder`);
    }
    return join(this.dir, clean);
  }
}

/** Where a stage's completion record lives inside the run folder. */
export function recordPath(stage: string): string {
  return join('stages', `${stage}.json`);
}
