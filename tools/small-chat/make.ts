// Remakes small-chat, the real-data embedded base model, from the shared data: a byte-level BPE tokenizer and a
// llama-family model trained from scratch on the ONNX Runtime training engine, deterministically from a seed, then
// evaluated on the held-out sets. Run: npx tsx tools/small-chat/make.ts [--out packages/small-chat/model] [--steps N]
// The defaults are the recorded recipe (packages/small-chat/README.md); the flags exist for the sweep.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { allModuleIds, moduleTensorNames, type ModelArchitecture, type TrainExample } from '@mllr/core';
import { OnnxEngineProvider } from '@mllr/backend-onnx';
import { cutTrainExample, toTrainExample } from '@mllr/data';
import {
  architectureToConfig,
  initialTensors,
  loadTokenizer,
  parameterCount,
  saveCheckpoint,
  trainByteLevelBpe,
  writeTrainedTokenizer,
} from '@mllr/model';
import { UniformSchedule, runFineTuning } from '@mllr/schedules';
import { evaluateHeldOut, formatTable, heldOutPerSet } from './evaluate-held-out.js';
import { withAnswerOpening } from './answer-opening.js';
import { SMALL_CHAT_SOURCES, loadSmallChatData, sharedDataDir } from './small-chat-data.js';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1234' },
    out: { type: 'string', default: join(REPO_ROOT, 'packages/small-chat/model') },
    vocab: { type: 'string', default: '4096' },
    hidden: { type: 'string', default: '128' },
    layers: { type: 'string', default: '4' },
    heads: { type: 'string', default: '4' },
    ffn: { type: 'string', default: '352' },
    context: { type: 'string', default: '128' },
    'max-tokens': { type: 'string', default: '64' },
    steps: { type: 'string', default: '2600' },
    batch: { type: 'string', default: '16' },
    lr: { type: 'string', default: '0.003' },
    warmup: { type: 'string', default: '100' },
    threads: { type: 'string', default: '1' },
    'eval-size': { type: 'string', default: 'all' },
    'borderline-repeat': { type: 'string', default: '2' },
    'contrast-repeat': { type: 'string', default: '4' },
    'alpaca-repeat': { type: 'string', default: '1' },
    'advbench-repeat': { type: 'string', default: '2' },
    'answer-opening': { type: 'string', default: 'Sure.' },
    'answer-opening-share': { type: 'string', default: '0.6' },
    repeat: { type: 'string', multiple: true, default: [] },
    'no-eval': { type: 'boolean', default: false },
  },
});
const num = (name: keyof typeof values) => Number(values[name]);
const seed = num('seed');
const out = resolve(values.out!);
const started = performance.now();
const elapsed = () => ((performance.now() - started) / 1000).toFixed(0);

// The sweep varies how often the borderline answers (CoCoNot preference and contrast) and Alpaca appear per epoch.
const repeats: Record<string, number> = {
  'safety/comply_coconot_pref.jsonl': num('borderline-repeat'),
  'safety/comply_coconot_contrast.jsonl': num('contrast-repeat'),
  'alpaca_5000.json': num('alpaca-repeat'),
  'advbench_harmful_behaviors.csv': num('advbench-repeat'),
};
for (const r of values.repeat as string[]) {
  const [path, n] = r.split('=');
  if (!SMALL_CHAT_SOURCES.some((s) => s.source.path === path) || !(Number(n) >= 0))
    throw new Error(`--repeat ${r}: expected PATH=N with a path of the mix`);
  repeats[path!] = Number(n);
}
// A repeat of 0 leaves that file's training part out (its held-out part is still evaluated).
const sources = SMALL_CHAT_SOURCES.map((s) =>
  s.source.path in repeats ? { ...s, repeat: repeats[s.source.path]!, train: repeats[s.source.path]! > 0 } : s,
);
const loaded = await loadSmallChatData(sharedDataDir(REPO_ROOT), sources);
const openingShare = num('answer-opening-share');
const data = {
  ...loaded,
  train: withAnswerOpening(loaded.train, { opening: values['answer-opening']!, share: openingShare, seed }),
};
for (const c of data.counts)
  console.log(`${c.path}: ${c.train} training samples ×${c.repeat}, ${c.heldOut} held out (${c.role})`);
console.log(`${data.train.length} training samples per epoch [${elapsed()} s]`);

// The tokenizer learns from each distinct training text once (repeats would only reweight it).
const distinct = [...new Map(data.train.map((s) => [`${s.prompt}\u0000${s.response}`, s])).values()];
const trained = trainByteLevelBpe(
  distinct.flatMap((s) => [s.prompt, s.response!]),
  { vocabSize: num('vocab'), minFrequency: 2, modelMaxLength: num('context') },
);
console.log(`tokenizer: byte-level BPE, ${trained.vocabSize} ids (${trained.merges} merges) [${elapsed()} s]`);

const hidden = num('hidden');
const heads = num('heads');
const architecture: ModelArchitecture = {
  family: 'llama',
  vocabSize: trained.vocabSize,
  hiddenSize: hidden,
  numLayers: num('layers'),
  numHeads: heads,
  numKvHeads: heads,
  headDim: hidden / heads,
  intermediateSize: num('ffn'),
  maxPositionEmbeddings: num('context'),
  ropeTheta: 10000,
  rmsNormEps: 1e-5,
  qkvBias: false,
  tieWordEmbeddings: true,
  bosTokenId: 1,
  eosTokenIds: [2],
  padTokenId: 0,
};
const work = mkdtempSync(join(tmpdir(), 'small-chat-'));
const initial = join(work, 'initial');
await writeTrainedTokenizer(initial, trained);
await saveCheckpoint(initial, {
  config: architectureToConfig(architecture),
  tensors: initialTensors(architecture, seed),
});
console.log(
  `model: ${parameterCount(architecture).toLocaleString('en-US')} parameters (d_model ${hidden}, ${architecture.numLayers} layers, ${heads} heads, SwiGLU ${architecture.intermediateSize}, context ${architecture.maxPositionEmbeddings})`,
);

const tokenizer = await loadTokenizer(initial);
const examples: TrainExample[] = [];
// Replies are cut to 12 characters per token kept before tokenizing (long Alpaca and GPTeacher replies made encoding
// the slowest part of the preparation): far more than max-tokens needs, so the kept tokens are the same.
const maxChars = 12 * num('max-tokens');
for (const sample of data.train) {
  const response = sample.response!.length > maxChars ? sample.response!.slice(0, maxChars) : sample.response!;
  // Loss on the reply only; sequences cut to max-tokens keep the prompt and the reply's opening.
  const cut = cutTrainExample(toTrainExample({ ...sample, response }, tokenizer), num('max-tokens'));
  if (cut) examples.push(cut);
}
const meanTokens = examples.reduce((n, e) => n + e.ids.length, 0) / examples.length;
console.log(`${examples.length} sequences, ${meanTokens.toFixed(1)} tokens on average [${elapsed()} s]`);

const steps = num('steps');
const provider = new OnnxEngineProvider({ device: 'cpu', threads: num('threads') });
const engine = await provider.openTraining(initial);
const trainStarted = performance.now();
const saved = join(work, 'trained');
let tokens = 0;
const curve = await runFineTuning({
  engine,
  schedule: new UniformSchedule({ shape: 'cosine', warmupSteps: num('warmup'), minRatio: 0.1 }),
  context: {
    modules: allModuleIds(architecture.numLayers),
    robust: [],
    tensors: engine.tensorNames(),
    tensorsOf: (m) => moduleTensorNames(m, { qkvBias: false }),
    learningRate: num('lr'),
    weightDecay: 0,
    totalSteps: steps,
  },
  examples,
  batchSize: num('batch'),
  settings: { beta1: 0.9, beta2: 0.98, epsilon: 1e-8, maxGradNorm: 1, gradientAccumulation: 1 },
  seed,
  saveTo: saved,
  onStep: (p) => {
    tokens += p.tokens;
    if ((p.step + 1) % 50 === 0 || p.step + 1 === steps) {
      const s = (performance.now() - trainStarted) / 1000;
      console.log(
        `step ${p.step + 1}/${steps}: loss ${p.loss.toFixed(3)}, ${(tokens / s).toFixed(0)} loss tokens/s, eta ${(((steps - p.step - 1) * s) / (p.step + 1)).toFixed(0)} s`,
      );
    }
  },
});
await engine.dispose();
const trainSeconds = (performance.now() - trainStarted) / 1000;

mkdirSync(out, { recursive: true });
for (const name of [
  'config.json',
  'model.safetensors',
  'tokenizer.json',
  'tokenizer_config.json',
  'generation_config.json',
]) {
  try {
    writeFileSync(join(out, name), readFileSync(join(saved, name)));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
rmSync(work, { recursive: true, force: true });
const sha256 = createHash('sha256')
  .update(readFileSync(join(out, 'model.safetensors')))
  .digest('hex');
console.log(`model.safetensors sha256 ${sha256}; ${trainSeconds.toFixed(0)} s of training, ${elapsed()} s in all`);

const record = {
  seed,
  data: data.counts,
  tokenizer: { vocab_size: trained.vocabSize, merges: trained.merges },
  architecture,
  parameters: parameterCount(architecture),
  training: {
    steps,
    batch: num('batch'),
    borderline_repeat: num('borderline-repeat'),
    contrast_repeat: num('contrast-repeat'),
    alpaca_repeat: num('alpaca-repeat'),
    advbench_repeat: num('advbench-repeat'),
    answer_opening: values['answer-opening'],
    answer_opening_share: openingShare,
    repeats: Object.fromEntries(sources.map((s) => [s.source.path, s.train ? s.repeat : 0])),
    peak_lr: num('lr'),
    warmup: num('warmup'),
    min_lr_ratio: 0.1,
    max_tokens: num('max-tokens'),
    loss: 'response',
    threads: num('threads'),
  },
  sequences: examples.length,
  loss: {
    first: curve[0]!.loss,
    last50: curve.slice(-50).reduce((n, p) => n + p.loss, 0) / Math.min(50, curve.length),
  },
  train_seconds: Math.round(trainSeconds),
  sha256,
};
if (!values['no-eval']) {
  const evalSize = heldOutPerSet(values['eval-size']!);
  const rows = await evaluateHeldOut(out, data.heldOut, { maxPerSet: evalSize, threads: num('threads') });
  console.log(formatTable(rows));
  Object.assign(record, { evaluation: rows, eval_size: values['eval-size'] });
}
writeFileSync(join(out, 'training.json'), `${JSON.stringify(record, null, 2)}\n`);
console.log(`done in ${elapsed()} s`);
