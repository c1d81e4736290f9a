// Paired A/B of the ONNX inference graph's kernel choices (buildDecoderGraph's RuntimeKernels) on `mllr bench`'s
// forward and generation tasks, run through DecoderRunner as the OnnxEngine runs them. One session per variant, all
// in this process; rounds alternate the variants (reversed every other round), and each round's best run of a
// variant is divided by the same round's best of the first variant: the median of those ratios (and its quartiles)
// is robust to load that drifts during the run, which a plain median over separate runs is not on a shared machine.
//
//   npx tsx tools/bench/onnx-kernels-ab.ts [--model DIR] [--variants standard,rotary,rotary+attention] [--tasks forward,generate]
//       [--shape 16x128] [--threads 2] [--rounds 20] [--per-round 2] [--cpu]
//
// A variant is `standard` or fused kernels joined by `+`: rotary, attention, projections, skipNorm. `--cpu` compares
// process CPU time instead of wall time (meaningful at --threads 1, where ONNX Runtime computes on this thread).
import { execSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { DecoderRunner, encodeDecoderModel, type RuntimeKernels } from '@mllr/backend-onnx';
import { loadCheckpoint } from '@mllr/model';
import { REFERENCE_SHAPE, syntheticSequences } from '@mllr/pipeline';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: resolve(import.meta.dirname, '../../packages/tiny-chat/model') },
    variants: { type: 'string', default: 'standard,rotary' },
    tasks: { type: 'string', default: 'forward,generate' },
    shape: { type: 'string', default: `${REFERENCE_SHAPE.batch}x${REFERENCE_SHAPE.sequence}` },
    threads: { type: 'string', default: String(availableParallelism()) },
    rounds: { type: 'string', default: '20' },
    'per-round': { type: 'string', default: '2' },
    cpu: { type: 'boolean', default: false },
  },
});
const KERNEL_NAMES = ['rotary', 'attention', 'projections', 'skipNorm'] as const;

function kernelsOf(variant: string): RuntimeKernels | undefined {
  if (variant === 'standard') return undefined;
  const chosen = variant.split('+');
  for (const k of chosen)
    if (!(KERNEL_NAMES as readonly string[]).includes(k))
      throw new Error(`unknown kernel ${k}; use ${KERNEL_NAMES.join(', ')}`);
  return Object.fromEntries(KERNEL_NAMES.map((k) => [k, chosen.includes(k)])) as unknown as RuntimeKernels;
}

const checkpoint = await loadCheckpoint(values.model);
const arch = checkpoint.architecture;
const [batch, sequence] = values.shape.split('x').map(Number) as [number, number];
const variants = values.variants.split(',');
const tasks = values.tasks.split(',') as Array<'forward' | 'generate'>;
const sequences = syntheticSequences(batch, sequence, arch.vocabSize);
const prompts = syntheticSequences(REFERENCE_SHAPE.generateBatch, REFERENCE_SHAPE.promptLength, arch.vocabSize, 2);
const runners = new Map<string, DecoderRunner>();
for (const variant of variants) {
  const { model } = encodeDecoderModel(
    arch,
    (name) => checkpoint.tensors.get(name),
    { kind: 'inline' },
    kernelsOf(variant),
  );
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['cpu'],
    intraOpNumThreads: Number(values.threads),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { set_denormal_as_zero: '1' } },
    logSeverityLevel: 3,
  });
  runners.set(
    variant,
    new DecoderRunner(
      ort,
      arch,
      { positionIds: true, useCacheBranch: false },
      { session: async () => session, disposed: () => false },
    ),
  );
}
const run = (variant: string, task: 'forward' | 'generate') =>
  task === 'forward'
    ? runners.get(variant)!.logits({ sequences })
    : runners.get(variant)!.generate(prompts, { maxNewTokens: REFERENCE_SHAPE.newTokens, stopTokenIds: [] });

// Every variant must generate what the first one does (greedy ids), and is warmed up once.
const reference = (await run(variants[0]!, 'generate')) as number[][];
for (const variant of variants) {
  const ids = (await run(variant, 'generate')) as number[][];
  if (ids.some((row, i) => row.join() !== reference[i]!.join()))
    console.log(`${variant}: greedy ids differ from ${variants[0]}'s`);
  await run(variant, 'forward');
}

const best = new Map<string, number[]>();
const all = new Map<string, number[]>();
console.log(`load before: ${execSync('uptime').toString().trim()}`);
for (let round = 0; round < Number(values.rounds); round++) {
  for (const task of tasks) {
    for (const variant of round % 2 ? [...variants].reverse() : variants) {
      const times: number[] = [];
      for (let i = 0; i < Number(values['per-round']); i++) {
        const [cpu0, t0] = [process.cpuUsage(), performance.now()];
        await run(variant, task);
        const cpu = process.cpuUsage(cpu0);
        times.push(values.cpu ? (cpu.user + cpu.system) / 1000 : performance.now() - t0);
      }
      const key = `${task} ${variant}`;
      best.set(key, [...(best.get(key) ?? []), Math.min(...times)]);
      all.set(key, [...(all.get(key) ?? []), ...times]);
    }
  }
}
console.log(`load after:  ${execSync('uptime').toString().trim()}`);
const quantile = (x: number[], q: number) => [...x].sort((a, b) => a - b)[Math.round(q * (x.length - 1))]!;
const unit = values.cpu ? 'ms CPU' : 'ms';
for (const task of tasks) {
  const tokens = task === 'forward' ? batch * sequence : REFERENCE_SHAPE.generateBatch * REFERENCE_SHAPE.newTokens;
  for (const variant of variants) {
    const times = all.get(`${task} ${variant}`)!;
    const line = `${task.padEnd(8)} ${variant.padEnd(28)} min ${quantile(times, 0).toFixed(1)} median ${quantile(times, 0.5).toFixed(1)} ${unit} (${((tokens / quantile(times, 0)) * 1000).toFixed(0)} tokens/s at the min)`;
    if (variant === variants[0]) {
      console.log(line);
      continue;
    }
    const ratios = best.get(`${task} ${variant}`)!.map((t, r) => t / best.get(`${task} ${variants[0]}`)![r]!);
    console.log(
      `${line}; paired ratio ${quantile(ratios, 0.5).toFixed(3)} (quartiles ${quantile(ratios, 0.25).toFixed(3)}–${quantile(ratios, 0.75).toFixed(3)})`,
    );
  }
}
