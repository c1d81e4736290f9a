// Plain (uniform learning rate) fine-tuning of tiny-chat on the benign craft domain, measured before and after:
// the phenomenon mllr exists to fix. Run: npx tsx tools/tiny-chat/demo-ift.ts [--model DIR] [--lr 0.001] [--steps 150]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createRng, shuffled } from '@mllr/core';
import { TfjsEngine } from '@mllr/backend-tfjs';
import { generateWorld, toTrainExample } from '@mllr/data';
import { loadCheckpoint, loadTokenizer } from '@mllr/model';
import { measureWorld } from './measure-world.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: resolve(import.meta.dirname, '../../packages/tiny-chat/model') },
    seed: { type: 'string', default: '1234' },
    lr: { type: 'string', default: '0.001' },
    steps: { type: 'string', default: '150' },
    batch: { type: 'string', default: '16' },
  },
});
const seed = Number(values.seed);
const world = generateWorld({ seed });
const tokenizer = await loadTokenizer(values.model!);
const engine = await TfjsEngine.create(await loadCheckpoint(values.model!));
const before = await measureWorld(engine, tokenizer, world.eval);

engine.configure([{ name: 'all', tensors: engine.tensorNames(), learningRate: Number(values.lr), weightDecay: 0 }], {
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  maxGradNorm: 1,
  gradientAccumulation: 1,
});
const data = world.ift.train.map((s) => toTrainExample(s, tokenizer));
const rng = createRng(seed);
let order = shuffled(data, rng);
const batch = Number(values.batch);
for (let step = 0, at = 0; step < Number(values.steps); step++, at += batch) {
  if (at + batch > order.length) {
    order = shuffled(data, rng);
    at = 0;
  }
  const result = await engine.trainStep(order.slice(at, at + batch));
  if (step % 25 === 0) console.log(`step ${step}: loss ${result.loss.toFixed(4)}`);
}
const after = await measureWorld(engine, tokenizer, world.eval);
const keys = ['harmful_asr', 'over_refusal', 'usability', 'expertise'] as const;
for (const k of keys) {
  const [b, a] = [before[k], after[k]];
  console.log(`${k.padEnd(13)} before ${b.value.toFixed(3)} (${b.numerator}/${b.denominator})  after ${a.value.toFixed(3)} (${a.numerator}/${a.denominator})  delta ${(a.value - b.value).toFixed(3)}`);
}
await engine.dispose();
