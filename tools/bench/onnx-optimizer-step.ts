// Time the ONNX training engine's optimizer side on a real model shape: one step = gradient sum (when accumulating),
// global norm, and the AdamW update over every tensor, with a gradient source that returns fixed gradients at once,
// so nothing but the JavaScript work is measured. Prints median milliseconds per step.
//
//   npx tsx tools/bench/onnx-optimizer-step.ts [--model ../shared/models/SmolLM2-135M-Instruct] [--steps 5]
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { NamedTensor } from '@mllr/core';
import { OnnxTrainingEngine, type GradientSource } from '@mllr/backend-onnx';
import { expectedTensorShapes, parameterCount, parseModelConfig } from '@mllr/model';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: resolve(import.meta.dirname, '../../../shared/models/SmolLM2-135M-Instruct') },
    steps: { type: 'string', default: '5' },
  },
});
const configFile = join(values.model, 'config.json');
const architecture = parseModelConfig(
  JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>,
  configFile,
);
const steps = Number(values.steps);

/** Uniform in ±scale from a 32-bit xorshift (fast enough for 270M values). */
let seed = 2463534242;
function randomArray(size: number, scale: number): Float32Array {
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    data[i] = (((seed >>> 0) / 2 ** 32) * 2 - 1) * scale;
  }
  return data;
}

const tensors: NamedTensor[] = [];
const grads = new Map<string, Float32Array>();
for (const [name, shape] of expectedTensorShapes(architecture)) {
  const size = shape.reduce((a, b) => a * b, 1);
  tensors.push({ name, shape, data: randomArray(size, 0.05) });
  grads.set(name, randomArray(size, 1));
}

/** Hands out the same gradients every call, at once. */
const source = (trainable: readonly string[]): GradientSource => ({
  trainable,
  compute: async () => ({ lossSum: 1, tokens: 1024, grads: new Map(trainable.map((n) => [n, grads.get(n)!])) }),
  dispose: async () => undefined,
});

console.log(
  `${architecture.family}, ${(parameterCount(architecture) / 1e6).toFixed(1)}M parameters, Node ${process.version}`,
);
for (const gradientAccumulation of [1, 2]) {
  const engine = await OnnxTrainingEngine.create(
    { architecture, tensors },
    { gradients: async ({ trainable }) => source(trainable) },
  );
  engine.configure([{ name: 'all', tensors: engine.tensorNames(), learningRate: 1e-4, weightDecay: 0.01 }], {
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-8,
    maxGradNorm: 1,
    gradientAccumulation,
  });
  const batch = Array.from({ length: 4 }, () => ({ ids: [1, 2, 3, 4], promptLength: 2 }));
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let s = 0; s <= steps; s++) {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    await engine.trainStep(batch);
    const used = process.cpuUsage(startCpu);
    // Step 0 allocates the moments; CPU time is what a loaded machine's wall clock hides.
    if (s > 0) {
      wall.push(performance.now() - start);
      cpu.push((used.user + used.system) / 1000);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(0);
  const rss = (process.memoryUsage().rss / 2 ** 30).toFixed(2);
  console.log(
    `gradientAccumulation ${gradientAccumulation}: median ${median(wall)} ms wall, ${median(cpu)} ms CPU per step; rss ${rss} GiB`,
  );
  await engine.dispose();
}
