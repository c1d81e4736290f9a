// Fine-tunes tiny-chat under one or more strategies and measures the four metrics every `--every` steps: the
// experiment behind the default config's choices (steps, α, search settings). One JSON line per measurement.
// Run: npx tsx tools/tiny-chat/sweep-ift.ts --schedule ml-lr --robust L1.gate,L2.k --alpha 0.01 --steps 150 --every 50
import { parseArgs } from 'node:util';
import {
  allModuleIds,
  formatModuleId,
  moduleTensorNames,
  parseModuleId,
  type LrSchedule,
  type LrScheduleContext,
} from '@mllr/core';
import { TfjsEngine } from '@mllr/backend-tfjs';
import { generateWorld, toTrainExample } from '@mllr/data';
import { loadCheckpoint, loadTokenizer } from '@mllr/model';
import { FreezeSchedule, MlLrSchedule, SwatSchedule, UniformSchedule, batchOrder } from '@mllr/schedules';
import { TINY_CHAT_DIR } from '@mllr/tiny-chat';
import { RefusalDetector, measureHeadlineMetrics } from '@mllr/eval';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: TINY_CHAT_DIR },
    seed: { type: 'string', default: '1234' },
    'world-seed': { type: 'string', default: '1234' },
    lr: { type: 'string', default: '0.001' },
    steps: { type: 'string', default: '300' },
    every: { type: 'string', default: '50' },
    batch: { type: 'string', default: '16' },
    schedule: { type: 'string', default: 'uniform' },
    robust: { type: 'string', default: '' },
    alpha: { type: 'string' },
    'robust-lr': { type: 'string' },
    'non-module': { type: 'string' },
    label: { type: 'string', default: '' },
  },
});
const seed = Number(values.seed);
// The world stays fixed while --seed varies the data order, as `mllr run --seeds` does.
const world = generateWorld({ seed: Number(values['world-seed']) });
const tokenizer = await loadTokenizer(values.model!);
const engine = await TfjsEngine.create(await loadCheckpoint(values.model!));
const sets = {
  harmful_asr: world.eval.harmful,
  over_refusal: world.eval.benign,
  usability: world.eval.usability,
  expertise: world.eval.expertise,
};
const measure = async () => {
  const m = await measureHeadlineMetrics(sets, { engine, tokenizer, judge: new RefusalDetector(), maxNewTokens: 16 });
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Number(v.value.toFixed(3))]));
};
const nonModule =
  values['non-module'] === undefined
    ? {}
    : { nonModule: Number.isNaN(Number(values['non-module'])) ? values['non-module'] : Number(values['non-module']) };
const ml = {
  ...(values.alpha ? { alpha: Number(values.alpha) } : {}),
  ...(values['robust-lr'] ? { robustLr: Number(values['robust-lr']) } : {}),
  ...nonModule,
};
const schedules: Record<string, () => LrSchedule> = {
  uniform: () => new UniformSchedule({}),
  'ml-lr': () => new MlLrSchedule(ml as never),
  swat: () => new SwatSchedule(nonModule as never),
  freeze: () => new FreezeSchedule(nonModule as never),
};
const schedule = schedules[values.schedule!]!();
const steps = Number(values.steps);
const every = Number(values.every);
const context: LrScheduleContext = {
  modules: allModuleIds(engine.architecture.numLayers),
  robust: values.robust ? values.robust.split(',').map((id) => formatModuleId(parseModuleId(id))) : [],
  tensors: engine.tensorNames(),
  tensorsOf: (m) => moduleTensorNames(m),
  learningRate: Number(values.lr),
  weightDecay: 0,
  totalSteps: steps,
};
engine.configure(schedule.groups(context), {
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  maxGradNorm: 1,
  gradientAccumulation: 1,
});
const batches = batchOrder(
  world.ift.train.map((s) => toTrainExample(s, tokenizer)),
  Number(values.batch),
  seed,
);
const started = Date.now();
let loss = 0;
for (let step = 0; step < steps; step++) {
  engine.setLearningRates(schedule.ratesAt(step, context));
  loss = (await engine.trainStep(batches(step))).loss;
  if ((step + 1) % every === 0 || step + 1 === steps) {
    const metrics = await measure();
    console.log(
      JSON.stringify({
        label: values.label,
        schedule: values.schedule,
        robust: context.robust.length,
        alpha: values.alpha,
        step: step + 1,
        loss: Number(loss.toFixed(4)),
        ...metrics,
        s: Math.round((Date.now() - started) / 1000),
      }),
    );
  }
}
await engine.dispose();
