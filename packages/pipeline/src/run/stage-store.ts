import type { ArtifactContent, EventSink, RunStore, StageRecord } from '@mllr/core';

/**
 * The run store as one stage sees it: writes are delegated, and each artifact written is announced as an event
 * and remembered, so the stage's record can list them and a resume can check they still exist.
 */
export class StageStore implements RunStore {
  readonly written = new Set<string>();

  constructor(
    private readonly inner: RunStore,
    private readonly stage: string,
    private readonly events: EventSink,
  ) {}

  get dir(): string {
    return this.inner.dir;
  }

  async writeArtifact(relativePath: string, content: ArtifactContent): Promise<number> {
    const bytes = await this.inner.writeArtifact(relativePath, content);
    this.written.add(relativePath);
    this.events.emit({ type: 'artifact', stage: this.stage, path: relativePath, bytes });
    return bytes;
  }

  writeJson(relativePath: string, value: unknown): Promise<number> {
    return this.writeArtifact(relativePath, `${JSON.stringify(value, null, 2)}\n`);
  }

  readText(relativePath: string): Promise<string> {
    return this.inner.readText(relativePath);
  }

  readJson<T>(relativePath: string): Promise<T> {
    return this.inner.readJson<T>(relativePath);
  }

  exists(relativePath: string): Promise<boolean> {
    return this.inner.exists(relativePath);
  }

  stageRecord(stage: string): Promise<StageRecord | undefined> {
    return this.inner.stageRecord(stage);
  }

  recordStage(record: StageRecord): Promise<void> {
    return this.inner.recordStage(record);
  }
}
