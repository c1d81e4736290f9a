// Plain (uniform learning rate) fine-tuning of tiny-chat on the benign craft domain, measured before and after:
// the phenomenon mllr exists to fix. Run: npx tsx tools/tiny-chat/demo-ift.ts [--model DIR] [--lr 0.001] [--steps 300]
import { parseArgs } from 'node:util';
import { allModuleIds, moduleTensorNames } from '@mllr/core';
import { TfjsEngine } from '@mllr/backend-tfjs';
import { generateWorld, toTrainExample } from '@mllr/data';
import { loadCheckpoint, loadTokenizer } from '@mllr/model';
import { UniformSchedule, runFineTuning } from '@mllr/schedules';
import { TINY_CHAT_DIR } from '@mllr/tiny-chat';
import { RefusalDetector, measureHeadlineMetrics } from '@mllr/eval';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: TINY_CHAT_DIR },
    seed: { type: 'string', default: '1234' },
    lr: { type: 'string', default: '0.002' },
    steps: { type: 'string', default: '100' },
    batch: { type: 'string', default: '16' },
  },
});
const seed = Number(values.seed);
const world = generateWorld({ seed });
const tokenizer = await loadTokenizer(values.model!);
const engine = await TfjsEngine.create(await loadCheckpoint(values.model!));
const before = await measureHeadlineMetrics(
  {
    harmful_asr: world.eval.harmful,
    over_refusal: world.eval.benign,
    usability: world.eval.usability,
    expertise: world.eval.expertise,
  },
  { engine, tokenizer, judge: new RefusalDetector(), maxNewTokens: 16 },
);

const modules = allModuleIds(engine.architecture.numLayers);
await runFineTuning({
  engine,
  schedule: new UniformSchedule({}),
  context: {
    modules,
    robust: [],
    tensors: engine.tensorNames(),
    tensorsOf: (m) => moduleTensorNames(m),
    learningRate: Number(values.lr),
    weightDecay: 0,
    totalSteps: Number(values.steps),
  },
  examples: world.ift.train.map((s) => toTrainExample(s, tokenizer)),
  batchSize: Number(values.batch),
  settings: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, maxGradNorm: 1, gradientAccumulation: 1 },
  seed,
  onStep: (p) => {
    if (p.step % 25 === 0) console.log(`step ${p.step}: loss ${p.loss.toFixed(4)}`);
  },
});
const after = await measureHeadlineMetrics(
  {
    harmful_asr: world.eval.harmful,
    over_refusal: world.eval.benign,
    usability: world.eval.usability,
    expertise: world.eval.expertise,
  },
  { engine, tokenizer, judge: new RefusalDetector(), maxNewTokens: 16 },
);
for (const k of ['harmful_asr', 'over_refusal', 'usability', 'expertise'] as const) {
  const [b, a] = [before[k], after[k]];
  console.log(
    `${k.padEnd(13)} before ${b.value.toFixed(3)} (${b.numerator}/${b.denominator})  after ${a.value.toFixed(3)} (${a.numerator}/${a.denominator})  delta ${(a.value - b.value).toFixed(3)}`,
  );
}
await engine.dispose();
