// Profile one micro-batch of the ONNX training graph (forward + backward, no optimizer) on a model folder: ONNX
// Runtime's own profiler (enableProfiling) writes a Chrome trace; this prints the node time summed by op type and
// the costliest nodes, next to the wall time of the whole session.run. Synthetic ids as `mllr bench` uses.
//
//   npx tsx tools/bench/profile-train-step.ts [--model DIR] [--batch 16] [--sequence 128] [--threads N] [--runs 3] [--top 25]
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { buildTrainingGraph, TRAIN_IO, trainingBatch } from '@mllr/backend-onnx';
import { loadCheckpoint } from '@mllr/model';
import { syntheticSequences } from '@mllr/pipeline';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: resolve(import.meta.dirname, '../../packages/tiny-chat/model') },
    batch: { type: 'string', default: '16' },
    sequence: { type: 'string', default: '128' },
    threads: { type: 'string', default: String(availableParallelism()) },
    runs: { type: 'string', default: '3' },
    top: { type: 'string', default: '25' },
    // ONNX Runtime's CPU memory arena (on by default): off, freed blocks go back to the allocator between runs.
    'no-arena': { type: 'boolean', default: false },
  },
});
const checkpoint = await loadCheckpoint(values.model);
const arch = checkpoint.architecture;
const trainable = [...checkpoint.tensors.keys()];
const graph = buildTrainingGraph(arch, { trainable });
const session = await ort.InferenceSession.create(graph.model, {
  executionProviders: ['cpu'],
  intraOpNumThreads: Number(values.threads),
  interOpNumThreads: 1,
  enableCpuMemArena: !values['no-arena'],
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  extra: { session: { set_denormal_as_zero: '1' } },
  logSeverityLevel: 3,
  enableProfiling: true,
  profileFilePrefix: '/tmp/mllr-train-profile',
});
const batch = trainingBatch(
  arch,
  syntheticSequences(Number(values.batch), Number(values.sequence), arch.vocabSize).map((ids) => ({
    ids,
    promptLength: 1,
  })),
);
const dims = [batch.size, batch.width];
const feeds: Record<string, ort.Tensor> = {
  [TRAIN_IO.inputIds]: new ort.Tensor('int64', batch.ids, dims),
  [TRAIN_IO.attentionMask]: new ort.Tensor('int64', batch.attentionMask, dims),
  [TRAIN_IO.positionIds]: new ort.Tensor('int64', batch.positions, dims),
  [TRAIN_IO.lossMask]: new ort.Tensor('float32', batch.lossMask, dims),
};
for (const [name, shape] of graph.tensors)
  feeds[name] = new ort.Tensor('float32', checkpoint.tensors.get(name)!.data, [...shape]);
const runs = Number(values.runs);
const wall: number[] = [];
for (let i = 0; i < runs + 1; i++) {
  const started = performance.now();
  await session.run(feeds);
  if (i > 0) wall.push(performance.now() - started);
}
session.endProfiling();
await session.release(); // onnxruntime-node's endProfiling returns no name: the newest file with the prefix is this run's
const file = readdirSync('/tmp')
  .filter((f) => f.startsWith('mllr-train-profile') && f.endsWith('.json'))
  .map((f) => join('/tmp', f))
  .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;

interface TraceEvent {
  cat: string;
  name: string;
  dur: number;
  args?: { op_name?: string; output_type_shape?: unknown };
}
const events = (JSON.parse(readFileSync(file, 'utf8')) as TraceEvent[]).filter(
  (e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'),
);
rmSync(file, { force: true });
const byOp = new Map<string, number>();
const byNode = new Map<string, { op: string; us: number; shape: string }>();
for (const e of events) {
  const op = e.args?.op_name ?? '?';
  byOp.set(op, (byOp.get(op) ?? 0) + e.dur);
  const node = e.name.replace(/_kernel_time$/, '');
  const entry = byNode.get(node) ?? { op, us: 0, shape: JSON.stringify(e.args?.output_type_shape ?? '') };
  entry.us += e.dur;
  byNode.set(node, entry);
}
const total = [...byOp.values()].reduce((a, b) => a + b, 0);
const perRun = (us: number) => us / (runs + 1) / 1000;
console.log(
  `${values.model}: ${values.batch} × ${values.sequence}, ${values.threads} threads, ${graph.model.byteLength} bytes of graph`,
);
console.log(
  `session.run wall: ${wall.map((w) => w.toFixed(0)).join(', ')} ms; node time per run ${perRun(total).toFixed(0)} ms`,
);
console.log('\nby op type (ms per run, share):');
for (const [op, us] of [...byOp].sort((a, b) => b[1] - a[1]))
  console.log(`  ${op.padEnd(28)} ${perRun(us).toFixed(1).padStart(8)}  ${((us / total) * 100).toFixed(1)}%`);
console.log(`\ntop ${values.top} nodes:`);
for (const [node, e] of [...byNode].sort((a, b) => b[1].us - a[1].us).slice(0, Number(values.top))) {
  console.log(
    `  ${perRun(e.us).toFixed(1).padStart(7)} ms  ${e.op.padEnd(16)} ${node.slice(0, 60).padEnd(60)} ${e.shape.slice(0, 120)}`,
  );
}
