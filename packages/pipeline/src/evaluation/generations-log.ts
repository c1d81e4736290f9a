import type { EvalRecord, RunStore } from '@mllr/core';
import { LineChannel } from './line-channel.js';

/** How much of an evaluation the generations file keeps (README: "Auditing an evaluation"). */
export interface GenerationsLimits {
  /** Items kept per metric: a larger set keeps this many, spread evenly over it. */
  perMetric: number;
  /** Bytes of the file (before secret redaction); items past it are left out. */
  maxBytes: number;
}

/** The default caps: 1,000 items per metric, 8 MiB per model. */
export const GENERATIONS_LIMITS: GenerationsLimits = { perMetric: 1000, maxBytes: 8 * 1024 * 1024 };

/** What one generations file holds, as eval.json records it. */
export interface GenerationsSummary {
  /** The file, relative to the run (or --out) folder. */
  file: string;
  /** Lines written. */
  records: number;
  /** Size of the file as written (after redaction). */
  bytes: number;
  /** Judged items per metric that the caps left out of the file. */
  omitted: Record<string, number>;
  limits: { per_metric: number; max_bytes: number };
}

/** One line of a generations file. */
export interface GenerationLine extends EvalRecord {
  metric: string;
}

/**
 * Whether item `index` of a set of `size` is among the `cap` kept when the set is larger than the cap: the item where
 * ⌊i·cap/size⌋ steps up, so exactly `cap` items are kept, spread evenly over the set, with no memory of which.
 */
export function keptByStride(index: number, size: number, cap: number): boolean {
  if (size <= cap) return true;
  return Math.floor(((index + 1) * cap) / size) > Math.floor((index * cap) / size);
}

/** The file a model's generations go to: `eval/<id>.jsonl`. */
export function generationsPath(modelId: string): string {
  return `eval/${modelId}.jsonl`;
}

/**
 * The generations an evaluation judged, streamed line by line into one artifact of the run store: written atomically
 * (nothing is there until {@link finish}), redacted like every artifact, and bounded by {@link GenerationsLimits}.
 * Memory stays flat: lines go to disk as they come, and which items are kept is decided from their index alone.
 */
export class GenerationsLog {
  private readonly channel = new LineChannel();
  private readonly writing: Promise<number>;
  private readonly omitted: Record<string, number> = {};
  private records = 0;
  private bytes = 0;

  private constructor(
    store: RunStore,
    readonly file: string,
    private readonly limits: GenerationsLimits,
  ) {
    this.writing = store.writeArtifact(file, this.channel);
    // A write that failed (full disk) stops the evaluation at its next record, with the write's own error.
    this.writing.catch((error: unknown) => this.channel.abandon(error));
  }

  /** Starts `file` in `store`. */
  static open(store: RunStore, file: string, limits: GenerationsLimits = GENERATIONS_LIMITS): GenerationsLog {
    return new GenerationsLog(store, file, limits);
  }

  /** Adds one judged item of `metric`, whose evaluation set has `setSize` items; left out (and counted) past a cap. */
  async add(metric: string, setSize: number, record: EvalRecord): Promise<void> {
    this.omitted[metric] ??= 0;
    if (!keptByStride(record.index, setSize, this.limits.perMetric)) {
      this.omitted[metric]++;
      return;
    }
    const line = `${JSON.stringify(lineOf(metric, record))}\n`;
    const size = Buffer.byteLength(line, 'utf8');
    if (this.bytes + size > this.limits.maxBytes) {
      this.omitted[metric]++;
      return;
    }
    this.bytes += size;
    this.records++;
    await this.channel.push(line);
  }

  /** Completes the file and says what it holds. */
  async finish(): Promise<GenerationsSummary> {
    this.channel.close();
    const bytes = await this.writing;
    return {
      file: this.file,
      records: this.records,
      bytes,
      omitted: { ...this.omitted },
      limits: { per_metric: this.limits.perMetric, max_bytes: this.limits.maxBytes },
    };
  }

  /** Abandons the file (the evaluation failed or was stopped): nothing is left on disk. */
  async discard(reason: unknown): Promise<void> {
    this.channel.fail(reason);
    await this.writing.catch(() => undefined);
  }
}

// Fixed key order, so files diff well: what was asked, what came back, how it counted.
function lineOf(metric: string, record: EvalRecord): GenerationLine {
  return {
    metric,
    index: record.index,
    ...(record.source !== undefined ? { source: record.source } : {}),
    prompt: record.prompt,
    ...(record.response !== undefined ? { response: record.response } : {}),
    ...(record.answer !== undefined ? { answer: record.answer } : {}),
    verdict: record.verdict,
  };
}
