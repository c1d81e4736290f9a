// Trains tiny-chat, the embedded base model, from scratch on the embedded world, deterministically from a seed.
// Run: npx tsx tools/tiny-chat/train-base.ts [--seed 1234] [--epochs 14] [--out packages/tiny-chat/model]
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createRng, shuffled, type ParameterGroup, type TrainExample } from '@mllr/core';
import { TfjsEngine } from '@mllr/backend-tfjs';
import { buildWorldTokenizer, generateWorld, toTrainExample } from '@mllr/data';
import { loadTokenizer, parseModelConfig } from '@mllr/model';
import { initialWeights } from './init-weights.js';
import { RefusalDetector, measureHeadlineMetrics } from '@mllr/eval';
import { tinyChatConfig } from './tiny-chat-config.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1234' },
    epochs: { type: 'string', default: '14' },
    lr: { type: 'string', default: '0.003' },
    batch: { type: 'string', default: '16' },
    out: { type: 'string', default: resolve(import.meta.dirname, '../../packages/tiny-chat/model') },
  },
});
const seed = Number(values.seed);
const epochs = Number(values.epochs);
const peakLr = Number(values.lr);
const batchSize = Number(values.batch);

/** How often each kind of base data appears per epoch. */
const MIXTURE = { general: 1, knowledge: 2, refusals: 3, sensitive: 2, recipes: 2, crafts: 1 } as const;

const world = generateWorld({ seed });
const files = buildWorldTokenizer(world);
const staging = mkdtempSync(join(tmpdir(), 'tiny-chat-'));
const config = tinyChatConfig(files.vocabSize);
writeFileSync(join(staging, 'tokenizer.json'), `${JSON.stringify(files.tokenizer)}\n`);
writeFileSync(join(staging, 'tokenizer_config.json'), `${JSON.stringify(files.tokenizerConfig, null, 2)}\n`);
writeFileSync(join(staging, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
const tokenizer = await loadTokenizer(staging);
const architecture = parseModelConfig(config, 'tiny-chat config.json');

const engine = await TfjsEngine.create({
  architecture,
  config,
  tensors: initialWeights(architecture, seed),
  dir: staging,
});
console.log(`tiny-chat: ${engine.tensorNames().length} tensors, vocab ${files.vocabSize}, device ${engine.device}`);
const decayed = engine.tensorNames().filter((n) => n.endsWith('proj.weight'));
const groups: ParameterGroup[] = [
  { name: 'matrices', tensors: decayed, learningRate: peakLr, weightDecay: 0.01 },
  {
    name: 'other',
    tensors: engine.tensorNames().filter((n) => !decayed.includes(n)),
    learningRate: peakLr,
    weightDecay: 0,
  },
];
engine.configure(groups, { beta1: 0.9, beta2: 0.98, epsilon: 1e-8, maxGradNorm: 1, gradientAccumulation: 1 });

const epochData: TrainExample[] = [];
for (const [kind, times] of Object.entries(MIXTURE)) {
  for (const sample of world.base[kind as keyof typeof MIXTURE]) {
    // Pre-training: every token after bos is in the loss, prompts included.
    const example = { ...toTrainExample(sample, tokenizer), promptLength: 1 };
    for (let i = 0; i < times; i++) epochData.push(example);
  }
}
const stepsPerEpoch = Math.ceil(epochData.length / batchSize);
const totalSteps = stepsPerEpoch * epochs;
const warmup = Math.min(100, Math.floor(totalSteps / 10));
const rateAt = (step: number) =>
  step < warmup
    ? (peakLr * (step + 1)) / warmup
    : peakLr * (0.1 + 0.9 * 0.5 * (1 + Math.cos((Math.PI * (step - warmup)) / Math.max(1, totalSteps - warmup))));

const rng = createRng(seed);
const started = performance.now();
let step = 0;
let tokens = 0;
for (let epoch = 0; epoch < epochs; epoch++) {
  const order = shuffled(epochData, rng);
  let lossSum = 0;
  let batches = 0;
  for (let i = 0; i < order.length; i += batchSize) {
    const rate = rateAt(step);
    engine.setLearningRates({ matrices: rate, other: rate });
    const result = await engine.trainStep(order.slice(i, i + batchSize));
    lossSum += result.loss;
    batches++;
    tokens += result.tokens;
    step++;
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `epoch ${epoch + 1}/${epochs}: loss ${(lossSum / batches).toFixed(4)}, step ${step}/${totalSteps}, ` +
      `${(tokens / seconds).toFixed(0)} tokens/s, eta ${(((totalSteps - step) * seconds) / step).toFixed(0)} s`,
  );
}
const trainSeconds = (performance.now() - started) / 1000;
const metrics = await measureHeadlineMetrics(
  {
    harmful_asr: world.eval.harmful,
    over_refusal: world.eval.benign,
    usability: world.eval.usability,
    expertise: world.eval.expertise,
  },
  { engine, tokenizer, judge: new RefusalDetector(), maxNewTokens: 16 },
);
for (const [name, m] of Object.entries(metrics))
  console.log(`${name.padEnd(13)} ${m.value.toFixed(3)} (${m.numerator}/${m.denominator})`);
mkdirSync(values.out!, { recursive: true });
await engine.save(values.out!);
writeFileSync(
  join(values.out!, 'training.json'),
  `${JSON.stringify({ seed, epochs, peakLr, batchSize, mixture: MIXTURE, steps: totalSteps, trainSeconds: Math.round(trainSeconds), metrics }, null, 2)}\n`,
);
console.log(`saved to ${values.out} after ${trainSeconds.toFixed(0)} s of training`);
await engine.dispose();
