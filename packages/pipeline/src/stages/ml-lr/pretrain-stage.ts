import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MllrError,
  PRETRAINED_MODEL_PATH,
  pluginLoader,
  allModuleIds,
  resourceScope,
  moduleTensorNames,
  type ChatSample,
  type ModelArchitecture,
  type PretrainConfig,
  type RunConfig,
  type Stage,
  type StageContext,
  type TrainExample,
} from '@mllr/core';
import { cutTrainExample, toTrainExample } from '@mllr/data';
import {
  architectureToConfig,
  initialTensors,
  loadTokenizer,
  parameterCount,
  saveCheckpoint,
  trainByteLevelBpe,
  trainedLlamaArchitecture,
  writeTrainedTokenizer,
} from '@mllr/model';
import { runFineTuning } from '@mllr/schedules';
import { holdoutOf, trainingPart } from './run-data.js';
import { recordFilesRead } from './data-use.js';
import type { RunResources } from './run-resources.js';

/** pretrain.json: how the run's base model was made. */
export interface PretrainArtifact {
  /** The model folder, relative to the run folder. */
  model: string;
  architecture: ModelArchitecture;
  parameters: number;
  tokenizer: { vocab_size: number; merges: number };
  /** Samples used per dataset (held-out prompts and samples without a response left out), and their repeat. */
  data: Array<{ path: string; samples: number; repeat: number }>;
  examples: number;
  /** Mean tokens per training sequence after cutting to max_tokens. */
  mean_tokens: number;
  steps: number;
  /** Tokens in the loss over the whole run, and per second of training. */
  tokens: number;
  tokens_per_s: number;
  train_seconds: number;
  curve: Array<{ step: number; loss: number }>;
}

/** The llama-family architecture a `model.pretrain` section describes, with the trained tokenizer's vocabulary. */
export function pretrainArchitecture(pretrain: PretrainConfig, vocabSize: number): ModelArchitecture {
  const a = pretrain.architecture;
  return trainedLlamaArchitecture({
    vocabSize,
    hiddenSize: a.hidden_size,
    numLayers: a.layers,
    numHeads: a.heads,
    ...(a.kv_heads !== undefined ? { numKvHeads: a.kv_heads } : {}),
    intermediateSize: a.intermediate_size,
    maxPositionEmbeddings: a.context,
    ropeTheta: a.rope_theta,
  });
}

/**
 * `pretrain` (only with `model.pretrain`): trains the base model from scratch. It trains a byte-level BPE tokenizer
 * on the training part of `model.pretrain.data` (held-out prompts never enter), builds a llama-family model of the
 * configured shape with seeded GPT-2-style weights, and trains it on every sample rendered through the chat
 * template (the response's tokens in the loss, or with `loss: all` every token after `<s>`; each sequence cut to
 * `max_tokens`) with AdamW, linear warm-up and cosine decay. The model lands in `<run>/pretrain/model/` (Hugging Face layout), which `model.path` then names.
 * Like every stage it is resumable as a whole: stopped half-way, it starts again from step 0.
 */
export function pretrainStage(resources: RunResources): Stage {
  return {
    name: 'pretrain',
    title: 'train the base model from scratch',
    hashInputs: (config) => ({
      pretrain: config.model.pretrain ?? null,
      seed: config.seed,
      holdout: holdoutOf(config),
      dir: config.data.dir ?? null,
    }),
    async run(context: StageContext) {
      const { config } = context;
      const pretrain = config.model.pretrain;
      if (!pretrain) throw new MllrError('INTERNAL', 'the pretrain stage runs only with model.pretrain');
      const seed = pretrain.seed ?? config.seed;

      const samples: ChatSample[] = [];
      const epoch: ChatSample[] = [];
      const counts: PretrainArtifact['data'] = [];
      for (const { repeat, ...source } of pretrain.data) {
        const part = trainingPart(await resources.readSource(source), holdoutOf(config)).filter(
          (s) => s.response !== undefined && s.response.trim() !== '',
        );
        if (part.length === 0)
          throw new MllrError(
            'DATA_INVALID',
            `${source.path}: no sample with a response is left to pretrain on (model.pretrain.data)`,
          );
        counts.push({ path: source.path, samples: part.length, repeat });
        samples.push(...part);
        for (let r = 0; r < repeat; r++) epoch.push(...part);
        context.log(`${source.path}: ${part.length} samples${repeat > 1 ? `, each ${repeat} times per epoch` : ''}`);
      }
      await recordFilesRead(context, resources, pretrain.data);
      context.throwIfStopped();

      // A scratch folder for the initial model and the trained one, removed by the stage's scope when the stage ends.
      const work = await mkdtemp(join(tmpdir(), 'mllr-pretrain-'));
      resourceScope(context.container).own({ dispose: () => rm(work, { recursive: true, force: true }) });
      const trained = trainByteLevelBpe(
        samples.flatMap((s) => (s.messages ? s.messages.map((m) => m.content) : [s.prompt, s.response!])),
        {
          vocabSize: pretrain.tokenizer.vocab_size,
          minFrequency: pretrain.tokenizer.min_frequency,
          modelMaxLength: pretrain.architecture.context,
        },
      );
      context.log(`tokenizer: byte-level BPE, ${trained.vocabSize} ids (${trained.merges} merges)`);
      const architecture = pretrainArchitecture(pretrain, trained.vocabSize);
      const modelConfig = architectureToConfig(architecture);
      const initial = join(work, 'initial');
      await writeTrainedTokenizer(initial, trained);
      await saveCheckpoint(initial, { config: modelConfig, tensors: initialTensors(architecture, seed) });
      const parameters = parameterCount(architecture);
      context.log(
        `model: llama, ${parameters.toLocaleString('en-US')} parameters (d_model ${architecture.hiddenSize}, ${architecture.numLayers} layers, ${architecture.numHeads} heads, context ${architecture.maxPositionEmbeddings})`,
      );

      const tokenizer = await loadTokenizer(initial);
      const examples: TrainExample[] = [];
      for (const s of epoch) {
        const example = toTrainExample(s, tokenizer);
        // `all`: every token after <s> is in the loss; `response`: the replies' tokens only (none left: skipped).
        const cut = cutTrainExample(
          pretrain.loss === 'all' ? { ids: example.ids, promptLength: 1 } : example,
          pretrain.max_tokens,
        );
        if (cut) examples.push(cut);
      }
      if (examples.length === 0)
        throw new MllrError(
          'DATA_INVALID',
          `no pretraining sample has any response token within max_tokens (${pretrain.max_tokens})`,
        );
      const meanTokens = examples.reduce((n, e) => n + e.ids.length, 0) / examples.length;
      context.log(
        `${examples.length} sequences of ${meanTokens.toFixed(1)} tokens on average (cut at ${pretrain.max_tokens}; loss on ${pretrain.loss === 'all' ? 'every token' : 'responses'}); ` +
          `${pretrain.steps} steps of ${pretrain.batch_size}`,
      );

      const out = join(work, 'trained');
      const curve = await train(context, resources, pretrain, {
        dir: initial,
        out,
        examples,
        seed,
        numLayers: architecture.numLayers,
      });
      const tokens = curve.points.reduce((n, p) => n + p.tokens, 0);
      context.log(
        `loss ${curve.points[0]!.loss.toFixed(3)} → ${curve.points.at(-1)!.loss.toFixed(3)}; ${tokens.toLocaleString('en-US')} tokens in ${curve.seconds.toFixed(0)} s (${(tokens / curve.seconds).toFixed(0)} tokens/s)`,
      );

      for (const name of (await readdir(out)).sort()) {
        await context.store.writeArtifact(`${PRETRAINED_MODEL_PATH}/${name}`, await readFile(join(out, name)));
      }
      const artifact: PretrainArtifact = {
        model: PRETRAINED_MODEL_PATH,
        architecture,
        parameters,
        tokenizer: { vocab_size: trained.vocabSize, merges: trained.merges },
        data: counts,
        examples: examples.length,
        mean_tokens: Math.round(meanTokens * 10) / 10,
        steps: pretrain.steps,
        tokens,
        tokens_per_s: Math.round(tokens / curve.seconds),
        train_seconds: Math.round(curve.seconds * 10) / 10,
        curve: curve.points.map((p) => ({ step: p.step, loss: p.loss })),
      };
      await context.store.writeJson('pretrain.json', artifact);
    },
  };
}

/** Trains the initial model in `dir` with the `uniform` schedule (warm-up + cosine) and saves it to `out`. */
async function train(
  context: StageContext,
  resources: RunResources,
  pretrain: NonNullable<RunConfig['model']['pretrain']>,
  run: { dir: string; out: string; examples: TrainExample[]; seed: number; numLayers: number },
): Promise<{ points: Array<{ step: number; loss: number; tokens: number }>; seconds: number }> {
  const schedule = await pluginLoader(context.container).load(
    'schedule',
    {
      name: 'uniform',
      options: { shape: 'cosine', warmupSteps: pretrain.warmup_steps, minRatio: pretrain.min_lr_ratio },
    },
    'model.pretrain',
  );
  const scope = resourceScope(context.container);
  const engine = scope.own(await resources.openTraining(run.dir));
  const started = performance.now();
  const points = await runFineTuning({
    engine,
    schedule,
    context: {
      modules: allModuleIds(run.numLayers),
      robust: [],
      tensors: engine.tensorNames(),
      tensorsOf: (m) => moduleTensorNames(m, { qkvBias: false }),
      learningRate: pretrain.learning_rate,
      weightDecay: pretrain.weight_decay,
      totalSteps: pretrain.steps,
    },
    examples: run.examples,
    batchSize: pretrain.batch_size,
    settings: { beta1: 0.9, beta2: 0.98, epsilon: 1e-8, maxGradNorm: pretrain.max_grad_norm, gradientAccumulation: 1 },
    seed: run.seed,
    throwIfStopped: () => context.throwIfStopped(),
    onStep: (p) => {
      context.metric('loss', p.loss, { step: p.step, series: 'pretrain' });
      context.progress(p.step + 1, pretrain.steps, { unit: 'step', label: 'pretrain' });
      if ((p.step + 1) % 50 === 0) context.log(`step ${p.step + 1}/${pretrain.steps}: loss ${p.loss.toFixed(3)}`);
    },
    saveTo: run.out,
  });
  // Released once it has saved the model, not at the stage's end: the stage still copies the model's files.
  await scope.release(engine);
  return { points, seconds: (performance.now() - started) / 1000 };
}
