import { availableParallelism } from 'node:os';
import {
  MllrError,
  type EngineProvider,
  type InferenceEngine,
  type OpenEngineOptions,
  type TrainingEngine,
} from '@mllr/core';
import { loadModelConfig } from '@mllr/model';
import { loadEngineProvider } from '../engines/load-engine-provider.js';
import { forwardFlopsPerToken, generateFlopsPerNewToken, trainFlopsPerToken } from './bench-math.js';
import {
  peerRatios,
  perEngine,
  taskResult,
  type BenchReport,
  type EngineResult,
  type PeerResult,
  type TaskResult,
} from './bench-report.js';
import { bestPeer, fastest, peakRssBytes, threadCandidates } from './best-run.js';
import { REFERENCE_SHAPE, syntheticSequences, type BenchShape } from './reference-shape.js';
import { readStageTimings } from './stage-timings.js';
import { timeRuns, type TimedRuns } from './timed-runs.js';

/** The engines `mllr bench` knows. */
export const BENCH_ENGINES = ['tfjs', 'onnx'] as const;
export type BenchEngine = (typeof BENCH_ENGINES)[number];

/** What `mllr bench` measures and how. */
export interface BenchOptions {
  /** Model folder (default: the embedded tiny-chat). */
  model: string;
  engines?: readonly BenchEngine[];
  /** Untimed runs before the timed ones (default 1). */
  warmup?: number;
  /** Timed runs; each result is their median (default 5). */
  repeats?: number;
  shape?: BenchShape;
  /** Device preference by engine name (for example `{ tfjs: 'wasm' }`; default `auto`: the fastest available). */
  devices?: Readonly<Record<string, string>>;
  /** CPU threads of every engine that follows a thread count, and of the peer (default: 1 and one per core, the faster kept). */
  threads?: number;
  /** Run folder whose timings to show (default: the newest under ./runs). */
  runDir?: string;
  cwd?: string;
  /** Runs the PyTorch peer in the same process tree and adds its numbers and the ratios. */
  peer?: (settings: { threads: number; warmup: number; repeats: number; shape: BenchShape }) => Promise<PeerResult>;
  /** Progress lines (a user should see it working). */
  progress?: (line: string) => void;
}

/** Measures every engine on the shape (each at its fastest thread count), then (with `peer`) PyTorch, and assembles the report. */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const engines = options.engines ?? BENCH_ENGINES;
  const warmup = options.warmup ?? 1;
  const repeats = options.repeats ?? 5;
  const shape = options.shape ?? REFERENCE_SHAPE;
  const say = options.progress ?? (() => {});
  if (!Number.isInteger(warmup) || warmup < 0 || !Number.isInteger(repeats) || repeats < 1) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `--warmup must be a whole number ≥ 0 and --repeats ≥ 1, not ${warmup} and ${repeats}`,
    );
  }
  const stageTimings = readStageTimings(options.runDir, options.cwd);
  const config = await loadModelConfig(options.model);
  if (
    shape.sequence > config.maxPositionEmbeddings ||
    shape.promptLength + shape.newTokens > config.maxPositionEmbeddings
  ) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `the bench shape does not fit the model's context of ${config.maxPositionEmbeddings} tokens`,
    );
  }
  const candidates = threadCandidates(options.threads, availableParallelism());

  const sequences = syntheticSequences(shape.batch, shape.sequence, config.vocabSize);
  const prompts = syntheticSequences(shape.generateBatch, shape.promptLength, config.vocabSize, 2);
  const matmul: Record<string, number> = {};
  const measured: Record<string, Omit<EngineResult, 'train' | 'forward' | 'generate'> & Record<Task, TimedTry[]>> = {};
  const skipped: Record<string, string> = {};
  for (const name of engines) {
    const provider = await loadEngineProvider({ name, options: {} });
    const device = options.devices?.[name] !== undefined ? { device: options.devices[name] } : {};
    const threadCounts = await followedThreads(provider, device, candidates);
    if (provider.matmulGflops) {
      // The probe, like every task, at each thread count the engine follows, keeping the fastest (on a busy machine
      // two threads can be slower than one, which would put results above a ceiling measured at two).
      say(`${name}: MatMul 512³ probe`);
      for (const threads of threadCounts)
        matmul[name] = Math.max(matmul[name] ?? 0, await provider.matmulGflops({ ...device, threads, size: 512 }));
    }
    const tries: Record<Task, TimedTry[]> = { train: [], forward: [], generate: [] };
    let engineDevice = '';
    // A model the engine cannot hold (tfjs on wasm: a 4 GiB heap) skips that engine's task with the reason, rather
    // than failing the bench: the other engines (and the engine's other tasks, when they fit) are still measured.
    const tooLarge = (task: string, error: unknown): boolean => {
      if (!(error instanceof MllrError) || error.code !== 'MODEL_TOO_LARGE') return false;
      skipped[task] = error.message;
      say(`${task}: skipped: ${error.message}`);
      return true;
    };
    for (const threads of threadCounts) {
      const open = { ...device, threads };
      const label = threadCounts.length > 1 ? `${name} (${threads} thr)` : name;
      const measure = async (task: Task, what: string, run: () => Promise<unknown>) => {
        say(`${label}: ${what} (${warmup} warm-up, ${repeats} timed)`);
        tries[task].push({ threads, ...(await timeRuns(run, warmup, repeats)) });
      };
      if (provider.openTraining && !skipped[`${name} train`]) {
        let engine: TrainingEngine | undefined;
        try {
          engine = await provider.openTraining(options.model, open);
        } catch (error) {
          if (!tooLarge(`${name} train`, error)) throw error;
        }
        if (engine) {
          engineDevice = engine.device;
          try {
            configureForBench(engine, engine.tensorNames());
            const batch = sequences.map((ids) => ({ ids, promptLength: 1 }));
            await measure('train', 'train step', () => engine.trainStep(batch));
          } finally {
            await engine.dispose();
          }
        }
      }
      if (skipped[name]) break;
      let engine: InferenceEngine | undefined;
      try {
        engine = await provider.openInference(options.model, open);
      } catch (error) {
        if (!tooLarge(name, error)) throw error;
        break;
      }
      engineDevice = engine.device;
      try {
        await measure('forward', 'forward', () => engine.logits({ sequences }));
        await measure('generate', 'generate', () => generateExactly(engine, prompts, shape.newTokens));
      } finally {
        await engine.dispose();
      }
    }
    if (tries.train.length + tries.forward.length > 0) {
      measured[name] = { device: engineDevice, threads: threadCounts[0]!, matmul_gflops: matmul[name] ?? 0, ...tries };
    }
  }
  const [ceilingSource, ceiling] = Object.entries(matmul).reduce(
    (best, entry) => (entry[1] > best[1] ? entry : best),
    ['none', 0],
  );

  const results: Record<string, EngineResult> = {};
  for (const [name, m] of Object.entries(measured)) {
    const best = (task: Task, tokens: number, flopsPerToken: number): TaskResult | null => {
      const fast = fastest(m[task].map((t) => ({ ...t, tokens_per_s: tokens / t.median_s })));
      if (!fast) return null;
      return {
        ...taskResult(fast, tokens, flopsPerToken, m.matmul_gflops, ceiling, fast.threads),
        tries: m[task].map((t) => ({ threads: t.threads, tokens_per_s: tokens / t.median_s })),
      };
    };
    const train = best('train', shape.batch * shape.sequence, trainFlopsPerToken(config, shape.sequence));
    const forward = best('forward', shape.batch * shape.sequence, forwardFlopsPerToken(config, shape.sequence));
    const generate = best(
      'generate',
      shape.generateBatch * shape.newTokens,
      generateFlopsPerNewToken(config, shape.promptLength, shape.newTokens),
    );
    results[name] = {
      device: m.device,
      threads: (train ?? forward)?.threads ?? m.threads,
      matmul_gflops: m.matmul_gflops,
      train,
      forward,
      generate,
    };
  }

  const names = [...engines];
  const report: BenchReport = {
    train_tokens_per_s: perEngine(results, names, 'train'),
    forward_tokens_per_s: perEngine(results, names, 'forward'),
    generate_new_tokens_per_s: perEngine(results, names, 'generate'),
    peak_rss_bytes: peakRssBytes(),
    skipped,
    shape,
    model: options.model,
    warmup,
    repeats,
    matmul: { size: 512, gflops: matmul, ceiling_gflops: ceiling, ceiling_source: ceilingSource },
    engines: results,
    stage_timings: stageTimings,
  };
  if (options.peer) {
    const runs: PeerResult[] = [];
    for (const threads of candidates) {
      say(`pytorch: the peer (${threads} thread${threads === 1 ? '' : 's'})`);
      runs.push(await options.peer({ threads, warmup, repeats, shape }));
    }
    const peer = bestPeer(runs);
    report.peer = peer;
    report.ratios = peerRatios(report, peer);
  }
  return report;
}

type Task = 'train' | 'forward' | 'generate';
type TimedTry = TimedRuns & { threads: number };

/**
 * The thread counts worth measuring for an engine: those of `candidates` it follows (its provider's `threads` says
 * what it would use for each), once each. An engine that chooses its own count is measured once, at that count.
 */
async function followedThreads(
  provider: EngineProvider,
  device: OpenEngineOptions,
  candidates: readonly number[],
): Promise<number[]> {
  if (!provider.threads) return [candidates.at(-1)!];
  const used = await Promise.all(candidates.map((threads) => provider.threads!({ ...device, threads })));
  return [...new Set(used)];
}

/** One group over every weight, AdamW as in the PyTorch peer: lr 1e-4, weight decay 0.01, clip 1. */
function configureForBench(engine: TrainingEngine, tensors: string[]): void {
  engine.configure([{ name: 'all', tensors, learningRate: 1e-4, weightDecay: 0.01 }], {
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-8,
    maxGradNorm: 1,
    gradientAccumulation: 1,
  });
}

/** Generates exactly `newTokens` per prompt (no stop tokens), and checks that it did. */
async function generateExactly(engine: InferenceEngine, prompts: number[][], newTokens: number): Promise<void> {
  const out = await engine.generate(prompts, { maxNewTokens: newTokens, stopTokenIds: [] });
  if (out.some((o) => o.length !== newTokens))
    throw new MllrError(
      'INTERNAL',
      `${engine.name} generated ${out.map((o) => o.length).join(',')} tokens instead of ${newTokens} each`,
    );
}
