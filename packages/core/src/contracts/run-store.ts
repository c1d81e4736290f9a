import { serviceToken } from '../di.js';

/** What a finished stage left behind, recorded so a rerun can skip it. */
export interface StageRecord {
  stage: string;
  /** Hash of the config inputs and upstream stages the result depends on. */
  hash: string;
  /** Files the stage wrote, relative to the run folder. */
  artifacts: string[];
  finishedAt: string;
  elapsedS: number;
}

/** Content for an artifact: text, bytes, or a stream of chunks for large files. */
export type ArtifactContent = string | Uint8Array | AsyncIterable<string | Uint8Array>;

/** The run folder: artifacts written atomically, stage records, and the finished flag. */
export interface RunStore {
  /** Absolute path of the run folder. */
  readonly dir: string;
  /** Writes a file atomically (temp file, then rename); refuses once the run is finished. Returns bytes written. */
  writeArtifact(relativePath: string, content: ArtifactContent): Promise<number>;
  writeJson(relativePath: string, value: unknown): Promise<number>;
  readText(relativePath: string): Promise<string>;
  readJson<T>(relativePath: string): Promise<T>;
  exists(relativePath: string): Promise<boolean>;
  /** The stage's record if it finished, with every artifact still present. */
  stageRecord(stage: string): Promise<StageRecord | undefined>;
  recordStage(record: StageRecord): Promise<void>;
}

/** DI token for {@link RunStore}. */
export const RunStore = serviceToken('RunStore');
