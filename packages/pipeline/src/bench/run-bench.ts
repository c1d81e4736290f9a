import { availableParallelism } from 'node:os';
import { measureOnnxMatMulGflops } from '@mllr/backend-onnx';
import { measureTfjsMatMulGflops } from '@mllr/backend-tfjs';
import { MllrError, type InferenceEngine, type TrainingEngine } from '@mllr/core';
import { loadCheckpoint } from '@mllr/model';
import { loadEngineProvider } from '../engines/open-engine.js';
import { forwardFlopsPerToken, generateFlopsPerNewToken, trainFlopsPerToken } from './bench-math.js';
import { peerRatios, taskResult, tokensPerSecond, type BenchReport, type EngineResult, type PeerResult } from './bench-report.js';
import { REFERENCE_SHAPE, syntheticSequences, type BenchShape } from './reference-shape.js';
import { readStageTimings } from './stage-timings.js';
import { timeRuns } from './timed-runs.js';

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
  /** tfjs device preference (default `auto`: the fastest available). */
  tfjsDevice?: string;
  /** ONNX Runtime intra-op threads, and the peer's (default os.availableParallelism()). */
  threads?: number;
  /** Run folder whose timings to show (default: the newest under ./runs). */
  runDir?: string;
  cwd?: string;
  /** Runs the PyTorch peer in the same process tree and adds its numbers and the ratios. */
  peer?: (settings: { threads: number; warmup: number; repeats: number; shape: BenchShape }) => Promise<PeerResult>;
  /** Progress lines (a user should see it working). */
  progress?: (line: string) => void;
}

/** TensorFlow.js on wasm runs on one thread in Node: tfjs turns its wasm threads off there (tfjs issue 3830). */
function tfjsThreads(device: string): number {
  return device === 'wasm' || device === 'cpu' ? 1 : availableParallelism();
}

/** Measures every engine on the reference shape, then (with `peer`) PyTorch, and assembles the report. */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const engines = options.engines ?? BENCH_ENGINES;
  const warmup = options.warmup ?? 1;
  const repeats = options.repeats ?? 5;
  const shape = options.shape ?? REFERENCE_SHAPE;
  const threads = options.threads ?? availableParallelism();
  const say = options.progress ?? (() => {});
  if (!Number.isInteger(warmup) || warmup < 0 || !Number.isInteger(repeats) || repeats < 1) {
    throw new MllrError('ARGUMENT_INVALID', `--warmup must be a whole number ≥ 0 and --repeats ≥ 1, not ${warmup} and ${repeats}`);
  }
  const stageTimings = readStageTimings(options.runDir, options.cwd);
  const checkpoint = await loadCheckpoint(options.model);
  const arch = checkpoint.architecture;
  if (shape.sequence > arch.maxPositionEmbeddings || shape.promptLength + shape.newTokens > arch.maxPositionEmbeddings) {
    throw new MllrError('ARGUMENT_INVALID', `the bench shape does not fit the model's context of ${arch.maxPositionEmbeddings} tokens`);
  }

  const matmul: Record<string, number> = {};
  for (const engine of engines) {
    say(`${engine}: MatMul 512³ probe`);
    matmul[engine] = engine === 'tfjs' ? await measureTfjsMatMulGflops({ device: (options.tfjsDevice ?? 'auto') as 'auto' }) : await measureOnnxMatMulGflops({ threads });
  }
  const [ceilingSource, ceiling] = Object.entries(matmul).reduce((best, entry) => (entry[1] > best[1] ? entry : best), ['none', 0]);

  const sequences = syntheticSequences(shape.batch, shape.sequence, arch.vocabSize);
  const prompts = syntheticSequences(shape.generateBatch, shape.promptLength, arch.vocabSize, 2);
  const results: Record<string, EngineResult> = {};
  for (const name of engines) {
    const provider = await loadEngineProvider({ name, options: name === 'onnx' ? { threads } : {} });
    const open = name === 'tfjs' && options.tfjsDevice ? { device: options.tfjsDevice } : {};
    const measure = (label: string, task: () => Promise<unknown>) => {
      say(`${name}: ${label} (${warmup} warm-up, ${repeats} timed)`);
      return timeRuns(task, warmup, repeats);
    };
    let train: EngineResult['train'] = null;
    let device = '';
    if (provider.openTraining) {
      const engine = await provider.openTraining(options.model, open);
      device = engine.device;
      try {
        configureForBench(engine, [...checkpoint.tensors.keys()]);
        const batch = sequences.map((ids) => ({ ids, promptLength: 1 }));
        const runs = await measure('train step', () => engine.trainStep(batch));
        train = taskResult(runs, shape.batch * shape.sequence, trainFlopsPerToken(arch, shape.sequence), matmul[name]!, ceiling);
      } finally {
        await engine.dispose();
      }
    }
    const engine = await provider.openInference(options.model, open);
    device = engine.device;
    try {
      const forwardRuns = await measure('forward', () => engine.logits({ sequences }));
      const generateRuns = await measure('generate', () => generateExactly(engine, prompts, shape.newTokens));
      results[name] = {
        device,
        threads: name === 'tfjs' ? tfjsThreads(device) : threads,
        matmul_gflops: matmul[name]!,
        train,
        forward: taskResult(forwardRuns, shape.batch * shape.sequence, forwardFlopsPerToken(arch, shape.sequence), matmul[name]!, ceiling),
        generate: taskResult(generateRuns, shape.generateBatch * shape.newTokens, generateFlopsPerNewToken(arch, shape.promptLength, shape.newTokens), matmul[name]!, ceiling),
      };
    } finally {
      await engine.dispose();
    }
  }

  const trainEngine = engines.find((e) => results[e]?.train) ?? null;
  const report: BenchReport = {
    train_tokens_per_s: trainEngine ? tokensPerSecond(results, trainEngine, 'train') : null,
    forward_tokens_per_s: { tfjs: tokensPerSecond(results, 'tfjs', 'forward'), onnx: tokensPerSecond(results, 'onnx', 'forward') },
    generate_new_tokens_per_s: { tfjs: tokensPerSecond(results, 'tfjs', 'generate'), onnx: tokensPerSecond(results, 'onnx', 'generate') },
    train_engine: trainEngine,
    shape,
    model: options.model,
    warmup,
    repeats,
    matmul: { size: 512, gflops: matmul, ceiling_gflops: ceiling, ceiling_source: ceilingSource },
    engines: results,
    stage_timings: stageTimings,
  };
  if (options.peer) {
    say(`pytorch: the peer (${threads} threads)`);
    const peer = await options.peer({ threads, warmup, repeats, shape });
    report.peer = peer;
    report.ratios = peerRatios(report, peer);
  }
  return report;
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
  if (out.some((o) => o.length !== newTokens)) throw new MllrError('INTERNAL', `${engine.name} generated ${out.map((o) => o.length).join(',')} tokens instead of ${newTokens} each`);
}

