import { MllrError } from '@mllr/core';
import type { PeerResult } from './bench-report.js';
import type { BenchShape } from './reference-shape.js';

/**
 * The thread counts to try: the one asked for, else 1 and one per core. On few cores a single thread is often the
 * more efficient kernel (PyTorch here is about 3× faster on 1 thread than on 2), so both are measured and the
 * faster kept rather than assuming more threads win.
 */
export function threadCandidates(requested: number | undefined, cores: number): number[] {
  if (requested !== undefined) return [requested];
  return [...new Set([1, Math.max(1, cores)])];
}

/** The fastest of several tries (highest tokens/s); on a tie the earlier one, which uses fewer threads. */
export function fastest<T extends { tokens_per_s: number }>(tries: readonly T[]): T | null {
  let best: T | null = null;
  for (const t of tries)
    if (Number.isFinite(t.tokens_per_s) && (best === null || t.tokens_per_s > best.tokens_per_s)) best = t;
  return best;
}

/** The PyTorch peer's best, task by task, over its runs at several thread counts, and which count gave each. */
export interface PeerBest extends PeerResult {
  /** The thread count of each task's best result. */
  best_threads: { train: number; forward: number; generate: number };
  /** Each run's tokens/s, by thread count. */
  tries: {
    threads: number;
    train_tokens_per_s: number;
    forward_tokens_per_s: number;
    generate_new_tokens_per_s: number;
    peak_rss_bytes?: number;
  }[];
}

/**
 * Combines the peer's runs at several thread counts into its best configuration: each task takes the run that
 * was fastest at it (the peer's own kernels differ per task in how they scale), with that run's timings.
 */
export function bestPeer(runs: readonly PeerResult[]): PeerBest {
  if (runs.length === 0) throw new MllrError('INTERNAL', 'bestPeer needs at least one peer run');
  const pick = (key: 'train_tokens_per_s' | 'forward_tokens_per_s' | 'generate_new_tokens_per_s') =>
    runs.reduce((best, run) => (run[key] > best[key] ? run : best), runs[0]!);
  const train = pick('train_tokens_per_s');
  const forward = pick('forward_tokens_per_s');
  const generate = pick('generate_new_tokens_per_s');
  const base = train;
  const peakRss = runs.map((r) => r.peak_rss_bytes).filter((v): v is number => typeof v === 'number');
  return {
    ...base,
    threads: train.threads,
    matmul_gflops: Math.max(...runs.map((r) => r.matmul_gflops)),
    train_tokens_per_s: train.train_tokens_per_s,
    forward_tokens_per_s: forward.forward_tokens_per_s,
    generate_new_tokens_per_s: generate.generate_new_tokens_per_s,
    runs_s: { train: train.runs_s.train, forward: forward.runs_s.forward, generate: generate.runs_s.generate },
    ...(peakRss.length > 0 ? { peak_rss_bytes: Math.max(...peakRss) } : {}),
    best_threads: { train: train.threads, forward: forward.threads, generate: generate.threads },
    tries: runs.map((r) => ({
      threads: r.threads,
      train_tokens_per_s: r.train_tokens_per_s,
      forward_tokens_per_s: r.forward_tokens_per_s,
      generate_new_tokens_per_s: r.generate_new_tokens_per_s,
      ...(r.peak_rss_bytes !== undefined ? { peak_rss_bytes: r.peak_rss_bytes } : {}),
    })),
  };
}

/** `--shape 4x256` (batch × sequence of a training step and a forward); generation keeps the reference shape. */
export function parseBenchShape(value: string, base: BenchShape): BenchShape {
  const match = /^\s*(\d+)\s*[x×]\s*(\d+)\s*$/i.exec(value);
  const batch = match ? Number(match[1]) : 0;
  const sequence = match ? Number(match[2]) : 0;
  if (!match || batch < 1 || sequence < 2) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `--shape takes BATCHxSEQUENCE, for example 4x256 (batch ≥ 1, sequence ≥ 2), not "${value}"`,
    );
  }
  return { ...base, batch, sequence };
}

/** This process's peak resident memory so far, in bytes (the OS's high-water mark: every engine measured counts). */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}
