import { MllrError } from '@mllr/core';
import {
  BENCH_ENGINES,
  REFERENCE_SHAPE,
  checkPytorchPeer,
  parseBenchShape,
  runBench,
  runPytorchPeer,
  type BenchEngine,
} from '@mllr/pipeline';
import type { CliIo } from '../cli-io.js';
import { commandModel } from './model-option.js';
import { formatBenchReport } from '../render/format-bench.js';

/** Options of `mllr bench`. */
export interface BenchCommandOptions {
  json?: boolean;
  compare?: boolean;
  repeats: number;
  warmup: number;
  engines: string;
  run?: string;
  model: string;
  /** Download a Hub id the cache lacks. */
  download?: boolean;
  device?: string;
  threads?: number;
  /** `BxT`: batch × sequence of the training step and the forward. */
  shape?: string;
}

/** The engine list of `--engines tfjs,onnx`, checked. */
export function parseEngines(value: string): BenchEngine[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const engines = names.filter(isBenchEngine);
  if (names.length === 0 || engines.length < names.length) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `--engines takes a comma-separated list of ${BENCH_ENGINES.join(', ')}; got "${value}"`,
    );
  }
  return [...new Set(engines)];
}

function isBenchEngine(name: string): name is BenchEngine {
  return BENCH_ENGINES.some((engine) => engine === name);
}

/** `mllr bench`: throughput on the reference shape (or `--shape`), each engine at its fastest thread count, progress on stderr, the report on stdout (text or --json). */
export async function benchCommand(options: BenchCommandOptions, io: CliIo): Promise<number> {
  const engines = parseEngines(options.engines);
  const shape = options.shape !== undefined ? parseBenchShape(options.shape, REFERENCE_SHAPE) : REFERENCE_SHAPE;
  const model = (await commandModel(options.model, options.download, io)).dir;
  const progress = (line: string) => io.stderr.write(`mllr bench: ${line}\n`);
  if (options.compare) await checkPytorchPeer(); // a missing torch is known before minutes of measuring
  const report = await runBench({
    model,
    engines,
    warmup: options.warmup,
    repeats: options.repeats,
    shape,
    cwd: io.cwd,
    progress,
    ...(options.run !== undefined ? { runDir: options.run } : {}),
    ...(options.device !== undefined ? { devices: { tfjs: options.device } } : {}),
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    ...(options.compare ? { peer: (settings) => runPytorchPeer({ ...settings, model, onLine: progress }) } : {}),
  });
  io.stdout.write(options.json ? `${JSON.stringify(report)}\n` : formatBenchReport(report));
  return 0;
}
