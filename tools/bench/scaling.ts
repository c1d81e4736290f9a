/**
 * Scaling notes (issue 8): how the default pipeline's units grow with layers and d_model. For each shape, a process
 * of its own builds a randomly initialised llama model (tiny-chat's vocabulary and context, heads of 32, SwiGLU
 * 2.75 × d_model) and measures, as medians after warm-up: a tfjs training step on the default IFT batch and on the
 * 16 × 128 reference shape, the proxy stage's probe training, one robustness measurement (the per-module unit),
 * opening ONNX on a checkpoint, and the eval stage's generation. Then it estimates the default pipeline's stages
 * from those units, compares the 4×128 row with a real run's timings_s, prints tables and writes JSON.
 *
 *   npx tsx tools/bench/scaling.ts [--shapes 4x128,8x128,16x128,4x256,4x512] [--corner] [--warmup 1] [--repeats 3]
 *                                  [--eval-repeats 1] [--workers N (cores)] [--skip-reference] [--run DIR] [--out runs/scaling.json]
 */
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '@mllr/core';
import { REFERENCE_SHAPE, readStageTimings, trainFlopsPerToken } from '@mllr/pipeline';
import {
  CORNER_SHAPE,
  DEFAULT_SHAPES,
  defaultPlan,
  estimatePipeline,
  parseShape,
  scalingArchitecture,
  shapeLabel,
  trainingStateBytes,
  type PipelineEstimate,
  type ScalingShape,
} from './scaling-estimate.js';
import { measureShape, type ShapeResult } from './scaling-shape.js';

const { values } = parseArgs({
  options: {
    shapes: { type: 'string' },
    corner: { type: 'boolean', default: false },
    warmup: { type: 'string', default: '1' },
    repeats: { type: 'string', default: '3' },
    'eval-repeats': { type: 'string', default: '1' },
    workers: { type: 'string', default: String(availableParallelism()) },
    run: { type: 'string' },
    out: { type: 'string', default: 'runs/scaling.json' },
    // Internal: measure one shape in this process and write its result to --result.
    child: { type: 'string' },
    result: { type: 'string' },
    'skip-reference': { type: 'boolean', default: false },
  },
});
const warmup = wholeNumber('warmup', 0);
const repeats = wholeNumber('repeats', 1);
const evalRepeats = wholeNumber('eval-repeats', 1);
const workers = wholeNumber('workers', 1);
const SEED = 1234;

if (values.child !== undefined) {
  const result = await measureShape({
    shape: parseShape(values.child),
    warmup,
    repeats,
    evalRepeats,
    referenceStep: !values['skip-reference'],
    workers,
    seed: SEED,
    progress: (line) => console.error(line),
  });
  await writeFileAtomic(values.result!, JSON.stringify(result));
  process.exit(0);
}

const shapes: ScalingShape[] = values.shapes ? values.shapes.split(',').map(parseShape) : [...DEFAULT_SHAPES];
if (values.corner) shapes.push(CORNER_SHAPE);
const startedAt = new Date().toISOString();
const loadBefore = loadavg();
console.error(
  `load average ${fmtLoad(loadBefore)} on ${availableParallelism()} cores; ${shapes.length} shapes, ${warmup} warm-up + ${repeats} timed runs each`,
);

const scratch = mkdtempSync(join(tmpdir(), 'mllr-scaling-'));
const rows: Array<{ result: ShapeResult; load: number[]; estimate: PipelineEstimate }> = [];
try {
  for (const shape of shapes) {
    const file = join(scratch, `${shapeLabel(shape)}.json`);
    // The corner's 16 × 128 step takes minutes here; its IFT-batch step is measured, the reference step is not.
    const reference =
      !values['skip-reference'] && !(shape.layers === CORNER_SHAPE.layers && shape.dModel === CORNER_SHAPE.dModel);
    await runChild(shape, file, reference);
    const result = JSON.parse(readFileSync(file, 'utf8')) as ShapeResult;
    const estimate = estimatePipeline(
      {
        trainStepS: result.train_ift.median_s,
        proxyS: result.proxy_s,
        probeUnitS: result.probe_unit.median_s,
        onnxOpenS: result.onnx_open_s,
        evalGenerationS: result.eval_generation.median_s,
      },
      defaultPlan(shape.layers, workers),
    );
    rows.push({ result, load: loadavg(), estimate });
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const real = readRealRun();
printTables();
const out = resolve(values.out);
mkdirSync(dirname(out), { recursive: true });
await writeFileAtomic(
  out,
  `${JSON.stringify(
    {
      started_at: startedAt,
      finished_at: new Date().toISOString(),
      machine: {
        cores: availableParallelism(),
        cpu: cpus()[0]?.model ?? 'unknown',
        node: process.version,
        load_before: loadBefore,
        load_after: loadavg(),
      },
      settings: { warmup, repeats, eval_repeats: evalRepeats, workers, seed: SEED },
      plan_4_layers: defaultPlan(4, workers),
      shapes: rows.map((r) => ({
        ...r.result,
        load_after: r.load,
        estimate_s: r.estimate,
        plan: defaultPlan(r.result.layers, workers),
      })),
      real_run: real,
    },
    null,
    1,
  )}\n`,
);
console.log(`\nwritten: ${out}`);

function runChild(shape: ScalingShape, file: string, reference: boolean): Promise<void> {
  const args = [
    '--child',
    shapeLabel(shape),
    '--result',
    file,
    '--warmup',
    String(warmup),
    '--repeats',
    String(repeats),
  ];
  args.push('--eval-repeats', String(evalRepeats), '--workers', String(workers));
  if (!reference) args.push('--skip-reference');
  return new Promise((done, fail) => {
    // The child inherits this process's execArgv, so tsx's loader comes along.
    const child = fork(fileURLToPath(import.meta.url), args, { stdio: 'inherit' });
    child.on('error', fail);
    child.on('exit', (code, signal) =>
      code === 0
        ? done()
        : fail(new Error(`${shapeLabel(shape)}: the measuring process ended with ${signal ?? `exit code ${code}`}`)),
    );
  });
}

function readRealRun(): { run: string | null; timings_s?: Record<string, number>; note?: string } {
  try {
    return readStageTimings(values.run);
  } catch (error) {
    return { run: values.run ?? null, note: (error as Error).message };
  }
}

function printTables(): void {
  console.log(
    `\nmeasured units (median of ${repeats} after ${warmup} warm-up; eval: ${evalRepeats} timed after a one-batch warm-up); seconds`,
  );
  const head = [
    'shape',
    'params',
    'IFT step',
    '16×128 step',
    'GFLOP/s',
    'proxy',
    'probe unit',
    '(features)',
    'onnx open',
    'eval gen',
    'train state',
    'RSS: IFT',
    '16×128',
    'end',
    'load',
  ];
  const body = rows.map(({ result: r, load }) => [
    r.shape,
    `${(r.parameters / 1e6).toFixed(2)}M`,
    `${sec(r.train_ift.median_s)} (16×${r.ift_batch_tokens})`,
    r.train_reference ? sec(r.train_reference.median_s) : '—',
    `${trainGflops(r, r.ift_batch_tokens, r.train_ift.median_s)} / ${r.train_reference ? trainGflops(r, REFERENCE_SHAPE.sequence, r.train_reference.median_s) : '—'}`,
    sec(r.proxy_s),
    sec(r.probe_unit.median_s),
    sec(r.probe_features.median_s),
    sec(r.onnx_open_s),
    sec(r.eval_generation.median_s),
    `${Math.round(trainingStateBytes(r.parameters) / 2 ** 20)} MiB`,
    `${Math.round(r.rss_after_ift_steps_mib)} MiB`,
    r.train_reference ? `${Math.round(r.rss_after_training_mib)} MiB` : '—',
    `${Math.round(r.peak_rss_mib)} MiB`,
    load[0]!.toFixed(1),
  ]);
  printAligned(head, body);

  console.log(`\nestimated default pipeline (${workers} workers; base and report left out); seconds`);
  const first = rows[0]?.estimate.total ?? Number.NaN;
  printAligned(
    ['shape', 'proxy', 'robustness', 'search', 'ift', 'eval', 'total', `× ${rows[0]?.result.shape ?? ''}`],
    rows.map(({ result, estimate: e }) => [
      result.shape,
      sec(e.proxy),
      sec(e.robustness),
      sec(e.search),
      sec(e.ift),
      sec(e.eval),
      sec(e.total),
      `${(e.total / first).toFixed(1)}×`,
    ]),
  );
  if (real.timings_s) {
    const t = real.timings_s;
    const stages = ['proxy', 'robustness', 'search', 'ift', 'eval'] as const;
    const total = stages.reduce((sum, s) => sum + (t[s] ?? 0), 0);
    console.log(
      `real run ${real.run}: ${stages.map((s) => `${s} ${t[s] ?? '—'}`).join(', ')}, total ${sec(total)} (timings_s)`,
    );
  } else {
    console.log(`real run: ${real.note ?? 'none'}`);
  }
  console.log(`load average before ${fmtLoad(loadBefore)}, after ${fmtLoad(loadavg())}`);
}

/** Model FLOPs per second of a training step of 16 sequences of `sequence` tokens (bench-math's count). */
function trainGflops(r: ShapeResult, sequence: number, seconds: number): string {
  const arch = scalingArchitecture({ layers: r.layers, dModel: r.d_model }, r.vocab_size);
  return ((16 * sequence * trainFlopsPerToken(arch, sequence)) / seconds / 1e9).toFixed(1);
}

function printAligned(head: string[], body: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(head));
  for (const r of body) console.log(line(r));
}

function sec(s: number): string {
  return s >= 100 ? s.toFixed(0) : s >= 10 ? s.toFixed(1) : s.toFixed(2);
}

function fmtLoad(load: number[]): string {
  return load.map((l) => l.toFixed(2)).join(' ');
}

function wholeNumber(name: 'warmup' | 'repeats' | 'eval-repeats' | 'workers', min: number): number {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`--${name} must be a whole number ≥ ${min}, not ${values[name]}`);
  return value;
}
