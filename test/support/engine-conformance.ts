import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  argmax,
  type BatchLogits,
  type EngineProvider,
  type InferenceEngine,
  type ModelArchitecture,
  type OpenEngineOptions,
  type OptimizerSettings,
  type ParameterGroup,
  type TrainExample,
  type TrainingEngine,
} from '@mllr/core';
import { architectureToConfig, randomTensors, saveCheckpoint, tinyArchitecture } from '@mllr/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fixtureDir,
  fixtureNames,
  maxAbsDiff,
  readForwardReference,
  readGradientReference,
  relativeError,
  sameBits,
  type GradientReference,
} from './fixture-references.js';

// One conformance suite for every engine (in the manner of tfjs-core's describeWithFlags): written once, run
// against each engine a test file registers. Engines are reached only through core's contracts, so a new engine
// passes the same checks by registering. What is checked:
// - inference, on every fixture checkpoint: logits and every layer's last-token hidden state within 1e-4 of
//   PyTorch (each prompt alone and all left-padded in one batch), greedy ids exactly; token ids outside the
//   vocabulary refused;
// - training, on every fixture with gradient references: the first step's loss, token count, gradient norm and
//   every tensor's gradient against PyTorch autograd, with one prompt per example and with several response spans
//   (a conversation's assistant turns); a learning-rate-0 group bit-identical; accumulation equal to
//   the full batch; resume from optimizerState + weights bit-identical; two runs bit-identical;
// - across engines: the same training trajectory, a model one engine trains read back by every other, and a
//   random mistral model (no PyTorch fixture for that family) giving the same outputs.

/** Logits and hidden states against PyTorch (max abs); greedy ids must be equal. */
export const FORWARD_TOLERANCE = 1e-4;
/** Each tensor's gradient error relative to its largest reference value. */
export const GRADIENT_TOLERANCE = 1e-4;

/** An engine under test: how to open it on a checkpoint folder, for what it can do. */
export interface EngineUnderTest {
  /** How test names call it. */
  name: string;
  /** Opens an inference engine on a checkpoint folder; engines that cannot infer leave it out. */
  openInference?(modelDir: string): Promise<InferenceEngine>;
  /** Opens a training engine on a checkpoint folder; engines that cannot train leave it out. */
  openTraining?(modelDir: string): Promise<TrainingEngine>;
}

/** The engines a plugin's provider opens (its `inference` and, where it trains, `training` slot) with fixed options. */
export function engineFromProvider(
  provider: EngineProvider,
  options: OpenEngineOptions = {},
  name: string = provider.name,
): EngineUnderTest {
  const engine: EngineUnderTest = { name, openInference: (dir) => provider.openInference(dir, options) };
  if (provider.openTraining) engine.openTraining = (dir) => provider.openTraining!(dir, options);
  return engine;
}

const fixtures = fixtureNames();

/** Registers the whole suite for these engines; the first inference and the first training engine are the reference of the cross-engine checks. */
export function describeEngineConformance(engines: readonly EngineUnderTest[]): void {
  if (fixtures.length === 0)
    console.warn(
      'engine conformance: no fixtures in fixtures/checkpoints (run tools/fixtures/make_checkpoints.py); the parity checks are skipped',
    );
  for (const engine of engines) {
    if (engine.openInference) {
      describeInference(engine.name, engine.openInference);
      describeGeneration(engine.name, engine.openInference);
    }
    if (engine.openTraining) describeTraining(engine.name, engine.openTraining, engine.openInference);
  }
  describeAcrossEngines(engines);
}

function describeInference(name: string, open: (dir: string) => Promise<InferenceEngine>): void {
  describe.skipIf(fixtures.length === 0)(
    `${name} inference against the PyTorch references (fixtures/checkpoints)`,
    () => {
      const worst = { logits: 0, hidden: 0 };
      afterAll(() =>
        console.info(
          `${name} vs PyTorch, max abs diff over every fixture: logits ${worst.logits.toExponential(2)}, hidden states ${worst.hidden.toExponential(2)}`,
        ),
      );

      describe.each(fixtures)('%s', (fixture) => {
        const reference = readForwardReference(fixture);
        let engine: InferenceEngine;
        beforeAll(async () => {
          engine = await open(fixtureDir(fixture));
        });
        afterAll(() => engine?.dispose());

        it(`logits and every layer's last-token hidden state within ${FORWARD_TOLERANCE}, each prompt alone and all left-padded in one batch`, async () => {
          const batches = [...reference.prompts.map((_, i) => [i]), reference.prompts.map((_, i) => i)];
          for (const members of batches) {
            const sequences = members.map((i) => reference.prompts[i]!);
            const logits = await engine.logits({ sequences });
            const states = await engine.lastTokenHiddenStates({ sequences });
            expect(logits.vocabSize).toBe(engine.architecture.vocabSize);
            expect(states.layers).toHaveLength(engine.architecture.numLayers);
            members.forEach((prompt, b) => {
              const diff = maxAbsDiff(logits.data[b]!, reference.logits[prompt]!);
              worst.logits = Math.max(worst.logits, diff);
              expect(diff, `logits of prompt ${prompt}`).toBeLessThan(FORWARD_TOLERANCE);
              states.layers.forEach((layer, l) => {
                const d = maxAbsDiff(layer[b]!, reference.last_token_hidden_states[prompt]![l]!);
                worst.hidden = Math.max(worst.hidden, d);
                expect(d, `hidden state of prompt ${prompt}, layer ${l}`).toBeLessThan(FORWARD_TOLERANCE);
              });
            });
          }
        });

        it('greedy ids equal PyTorch exactly, alone and batched', async () => {
          const maxNewTokens = reference.greedy[0]!.max_new_tokens;
          expect(await engine.generate(reference.prompts, { maxNewTokens })).toEqual(
            reference.greedy.map((g) => g.output_ids),
          );
          for (const [i, prompt] of reference.prompts.entries()) {
            expect(await engine.generate([prompt], { maxNewTokens })).toEqual([reference.greedy[i]!.output_ids]);
          }
          const cli = reference.cli_greedy;
          expect(await engine.generate([cli.prompt_ids], { maxNewTokens: cli.max_new_tokens })).toEqual([
            cli.output_ids,
          ]);
        });

        it('refuses a token id outside the vocabulary, naming it', async () => {
          const outside = engine.architecture.vocabSize;
          await expect(engine.logits({ sequences: [[1, outside]] })).rejects.toThrow(
            `token id ${outside} is outside the model's vocabulary`,
          );
          await expect(engine.generate([[1, -1]], { maxNewTokens: 1 })).rejects.toThrow(
            "token id -1 is outside the model's vocabulary",
          );
        });
      });
    },
  );
}

/** Small random models of each family and head layout, with a 12-token context (generation runs into its end). */
const GENERATION_MODELS: Array<[string, ModelArchitecture]> = [
  ['llama GQA untied', tinyArchitecture({ maxPositionEmbeddings: 12 })],
  [
    'qwen2 qkv bias, tied',
    tinyArchitecture({ family: 'qwen2', qkvBias: true, tieWordEmbeddings: true, maxPositionEmbeddings: 12 }),
  ],
  ['mistral MHA', tinyArchitecture({ family: 'mistral', numKvHeads: 4, ropeTheta: 1e6, maxPositionEmbeddings: 12 })],
];

function describeGeneration(name: string, open: (dir: string) => Promise<InferenceEngine>): void {
  describe.each(GENERATION_MODELS)(`${name} generation on a random %s model`, (_, arch) => {
    let engine: InferenceEngine;
    let dir: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'mllr-conformance-generation-'));
      await saveCheckpoint(dir, { config: architectureToConfig(arch), tensors: [...randomTensors(arch, 21).values()] });
      engine = await open(dir);
    });
    afterAll(async () => {
      await engine?.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('greedy decoding equals argmax of full forwards, step by step', async () => {
      const prompt = [1, 9, 3];
      const [generated] = await engine.generate([prompt], { maxNewTokens: 4, stopTokenIds: [] });
      const sequence = [...prompt];
      for (let i = 0; i < 4; i++) {
        const { data, vocabSize } = await engine.logits({ sequences: [sequence] });
        sequence.push(argmax(data[0]!, (sequence.length - 1) * vocabSize, vocabSize));
      }
      expect(generated).toEqual(sequence.slice(prompt.length));
    });

    it('samples reproducibly from a seed, and differently from another seed', async () => {
      const prompts = [
        [1, 5],
        [1, 6, 7, 8],
      ];
      const options = { maxNewTokens: 6, temperature: 1.5, topP: 0.95, stopTokenIds: [] };
      const a = await engine.generate(prompts, { ...options, seed: 1 });
      expect(await engine.generate(prompts, { ...options, seed: 1 })).toEqual(a);
      const others = await Promise.all([2, 3, 4].map((seed) => engine.generate(prompts, { ...options, seed })));
      expect(others.some((o) => JSON.stringify(o) !== JSON.stringify(a))).toBe(true);
    });

    it('stops a sequence at a stop token and all of them at the context end', async () => {
      const [free] = await engine.generate([[1, 4]], { maxNewTokens: 5, stopTokenIds: [] });
      const stopAt = free![1]!;
      const [stopped] = await engine.generate([[1, 4]], { maxNewTokens: 5, stopTokenIds: [stopAt] });
      expect(stopped).toEqual(free!.slice(0, free!.indexOf(stopAt) + 1));
      // 12 positions: a 10-token prompt leaves room for 2 more inputs, so 3 new tokens at most.
      const [long] = await engine.generate([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]], { maxNewTokens: 8, stopTokenIds: [] });
      expect(long).toHaveLength(3);
    });
  });
}

/** AdamW settings under which the first step moves every weight by exactly −L·g/(|g|+ε): the gradient can be read back. */
const READ_BACK = { learningRate: 1e5, epsilon: 1e3 } as const;
const STEP_SETTINGS: OptimizerSettings = {
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  maxGradNorm: 1,
  gradientAccumulation: 1,
};

/**
 * The gradient of an engine's first optimizer step, read through the contract alone: with one group, no decay and
 * no clipping, AdamW's first update is Δ = −L·g/(|g|+ε) (bias-corrected moments m̂ = g, v̂ = g²), so
 * g = −Δ·ε/(L − |Δ|). With L = 100·ε the move is about 100·g, large against the weights' rounding.
 */
async function firstStepGradients(engine: TrainingEngine, batch: readonly TrainExample[], gradientAccumulation = 1) {
  const names = engine.tensorNames();
  engine.configure([{ name: 'all', tensors: names, learningRate: READ_BACK.learningRate, weightDecay: 0 }], {
    beta1: 0.9,
    beta2: 0.999,
    epsilon: READ_BACK.epsilon,
    maxGradNorm: 0,
    gradientAccumulation,
  });
  const before = await engine.getWeights(names);
  const result = await engine.trainStep(batch);
  const after = await engine.getWeights(names);
  const gradients = new Map<string, Float64Array>();
  before.forEach((tensor, t) => {
    const moved = after[t]!.data;
    const g = new Float64Array(tensor.data.length);
    for (let i = 0; i < g.length; i++) {
      const delta = moved[i]! - tensor.data[i]!;
      g[i] = (-delta * READ_BACK.epsilon) / (READ_BACK.learningRate - Math.abs(delta));
    }
    gradients.set(tensor.name, g);
  });
  return { result, gradients };
}

/** Two groups: layer 0 frozen at rate 0 (as ML-LR's lowest rate can be), the rest trained; both with decay. */
function frozenLayerGroups(engine: TrainingEngine): ParameterGroup[] {
  const frozen = engine.tensorNames().filter((n) => n.startsWith('model.layers.0.'));
  return [
    { name: 'frozen', tensors: frozen, learningRate: 0, weightDecay: 0.1 },
    {
      name: 'rest',
      tensors: engine.tensorNames().filter((n) => !frozen.includes(n)),
      learningRate: 0.01,
      weightDecay: 0.1,
    },
  ];
}

async function weightsOf(engine: TrainingEngine): Promise<Map<string, Float32Array>> {
  return new Map((await engine.getWeights(engine.tensorNames())).map((t) => [t.name, t.data]));
}

function expectSameWeights(actual: Map<string, Float32Array>, expected: Map<string, Float32Array>): void {
  expect([...actual.keys()]).toEqual([...expected.keys()]);
  for (const [name, data] of expected) expect(sameBits(actual.get(name)!, data), name).toBe(true);
}

/** Fixtures with gradient references, read before the tests run. */
async function gradientFixtures(): Promise<Array<{ fixture: string; reference: GradientReference }>> {
  const out = [];
  for (const fixture of fixtures) {
    const reference = await readGradientReference(fixture);
    if (reference) out.push({ fixture, reference });
  }
  return out;
}
const withGradients = await gradientFixtures();

/** Fixtures with multi-span references (make_span_gradients.py): the loss mask of a conversation's assistant turns. */
async function spanGradientFixtures(): Promise<Array<{ fixture: string; reference: GradientReference }>> {
  const out = [];
  for (const fixture of fixtures) {
    const reference = await readGradientReference(fixture, 'span-gradients');
    if (reference) out.push({ fixture, reference });
  }
  return out;
}
const withSpanGradients = await spanGradientFixtures();
/** The fixture of the behavioural training checks: qkv biases, GQA and an untied head, where present. */
const trainingFixture = withGradients.find((f) => f.fixture === 'qwen2-qkv-bias') ?? withGradients[0];

/** A fixed tiny task: after prompt [1, a, b] answer [a+b mod 10 + 10, 2]. */
function additionTask(): TrainExample[] {
  const out: TrainExample[] = [];
  for (let a = 3; a < 7; a++)
    for (let b = 3; b < 6; b++) out.push({ ids: [1, a, b, ((a + b) % 10) + 10, 2], promptLength: 3 });
  return out;
}

function describeTraining(
  name: string,
  open: (dir: string) => Promise<TrainingEngine>,
  openInference?: (dir: string) => Promise<InferenceEngine>,
): void {
  describe(`${name} training`, () => {
    const opened: TrainingEngine[] = [];
    const engine = async (fixture: string): Promise<TrainingEngine> => {
      const e = await open(fixtureDir(fixture));
      opened.push(e);
      return e;
    };
    afterAll(async () => {
      for (const e of opened.splice(0)) await e.dispose();
    });

    it('learns a fixed tiny task: loss below 0.1 within 150 steps, counting response tokens only; the saved model answers it', async () => {
      const arch = tinyArchitecture();
      const [initial, trained] = [
        mkdtempSync(join(tmpdir(), 'mllr-conformance-tiny-')),
        mkdtempSync(join(tmpdir(), 'mllr-conformance-learned-')),
      ];
      try {
        await saveCheckpoint(initial, {
          config: architectureToConfig(arch),
          tensors: [...randomTensors(arch, 7).values()],
        });
        const e = await open(initial);
        opened.push(e);
        e.configure([{ name: 'all', tensors: e.tensorNames(), learningRate: 0.01, weightDecay: 0 }], STEP_SETTINGS);
        const data = additionTask();
        const first = await e.trainStep(data);
        expect(first.tokens).toBe(data.length * 2); // answer + eos per example; prompt tokens are masked
        expect(first.loss).toBeGreaterThan(2);
        let last = first;
        for (let step = 1; step < 150 && last.loss >= 0.1; step++) last = await e.trainStep(data);
        expect(last.loss).toBeLessThan(0.1);
        if (!openInference) return;
        await e.save(trained);
        const reader = await openInference(trained);
        const answers = await reader.generate(
          data.slice(0, 3).map((d) => d.ids.slice(0, 3)),
          { maxNewTokens: 2 },
        );
        await reader.dispose();
        expect(answers).toEqual(data.slice(0, 3).map((d) => d.ids.slice(3)));
      } finally {
        for (const dir of [initial, trained]) rmSync(dir, { recursive: true, force: true });
      }
    });

    let worst = 0;
    afterAll(() =>
      console.info(
        `${name} training vs PyTorch autograd, worst relative gradient error over every fixture: ${worst.toExponential(2)}`,
      ),
    );

    // (no test where make_gradients.py has written no references; the fixtures warning says so)
    const cases = [
      ...withGradients.map((f) => [f.fixture, 'one prompt per example', f.reference] as const),
      ...withSpanGradients.map((f) => [f.fixture, 'several response spans per example', f.reference] as const),
    ];
    if (cases.length > 0)
      it.each(cases)(
        `%s, %s: the first step's loss, tokens, gradient norm and every tensor's gradient match PyTorch autograd (relative ${GRADIENT_TOLERANCE})`,
        async (fixture, _mask, reference) => {
          const e = await engine(fixture);
          const { result, gradients } = await firstStepGradients(e, reference.batch);
          expect(result.tokens).toBe(reference.tokens);
          expect(
            Math.abs(result.loss - reference.lossSum / reference.tokens) / (reference.lossSum / reference.tokens),
          ).toBeLessThan(1e-5);
          expect([...gradients.keys()].sort()).toEqual([...reference.gradients.keys()].sort());
          let squares = 0;
          for (const [tensor, expected] of reference.gradients) {
            const mean = expected.data.map((v) => v / reference.tokens);
            squares += mean.reduce((s, v) => s + v * v, 0);
            const error = relativeError(gradients.get(tensor)!, mean);
            worst = Math.max(worst, error);
            expect(error, tensor).toBeLessThan(GRADIENT_TOLERANCE);
          }
          expect(Math.abs(result.gradNorm - Math.sqrt(squares)) / Math.sqrt(squares)).toBeLessThan(1e-4);
          await e.dispose();
        },
      );

    describe.skipIf(!trainingFixture)(`on ${trainingFixture?.fixture}`, () => {
      const batch = trainingFixture?.reference.batch ?? [];
      const fixture = trainingFixture?.fixture ?? '';

      it('keeps a learning-rate-0 group bit-identical over steps while the rest trains; raising its rate trains it', async () => {
        const e = await engine(fixture);
        const groups = frozenLayerGroups(e);
        e.configure(groups, STEP_SETTINGS);
        const before = await weightsOf(e);
        for (let i = 0; i < 3; i++) await e.trainStep(batch);
        const after = await weightsOf(e);
        for (const tensor of groups[0]!.tensors)
          expect(sameBits(after.get(tensor)!, before.get(tensor)!), tensor).toBe(true);
        for (const tensor of groups[1]!.tensors)
          expect(sameBits(after.get(tensor)!, before.get(tensor)!), tensor).toBe(false);
        e.setLearningRates({ frozen: 0.01 });
        await e.trainStep(batch);
        const raised = await weightsOf(e);
        for (const tensor of groups[0]!.tensors)
          expect(sameBits(raised.get(tensor)!, before.get(tensor)!), tensor).toBe(false);
      });

      it('accumulating k micro-batches gives the full batch: loss, tokens, gradient norm and every gradient', async () => {
        const full = await firstStepGradients(await engine(fixture), batch, 1);
        for (const k of [2, batch.length]) {
          const accumulated = await firstStepGradients(await engine(fixture), batch, k);
          expect(accumulated.result.tokens).toBe(full.result.tokens);
          expect(accumulated.result.loss).toBeCloseTo(full.result.loss, 5);
          expect(Math.abs(accumulated.result.gradNorm - full.result.gradNorm) / full.result.gradNorm).toBeLessThan(
            1e-5,
          );
          for (const [tensor, g] of full.gradients)
            expect(relativeError(accumulated.gradients.get(tensor)!, g), `${tensor}, k = ${k}`).toBeLessThan(1e-5);
        }
      });

      it('resumes bit-identically from optimizerState + weights in a fresh engine, and differs without the optimizer state', async () => {
        const through = await engine(fixture);
        through.configure(frozenLayerGroups(through), STEP_SETTINGS);
        for (let i = 0; i < 3; i++) await through.trainStep(batch);
        through.setLearningRates({ frozen: 0.005 }); // the frozen group's first updates come after the checkpoint
        expect(through.optimizerState && through.loadOptimizerState).toBeDefined();
        const state = await through.optimizerState!();
        const weights = await through.getWeights(through.tensorNames());
        expect(state.rates).toEqual({ frozen: 0.005, rest: 0.01 });
        const tail = async (e: TrainingEngine) => {
          const results = [];
          for (let i = 0; i < 3; i++) results.push(await e.trainStep(batch));
          return { results, weights: await weightsOf(e) };
        };
        const expected = await tail(through);

        const resume = async (withState: boolean) => {
          const e = await engine(fixture);
          e.configure(frozenLayerGroups(e), STEP_SETTINGS);
          await e.setWeights(weights);
          if (withState) await e.loadOptimizerState!(state);
          else e.setLearningRates(state.rates);
          return tail(e);
        };
        const resumed = await resume(true);
        expect(resumed.results).toEqual(expected.results);
        expectSameWeights(resumed.weights, expected.weights);
        const fresh = await resume(false);
        expect(fresh.results.map((r) => r.loss)).not.toEqual(expected.results.map((r) => r.loss));
      });

      it('gives bit-identical step results and weights for two runs with the same inputs', async () => {
        const run = async () => {
          const e = await engine(fixture);
          e.configure(frozenLayerGroups(e), { ...STEP_SETTINGS, gradientAccumulation: 2 });
          const results = [];
          for (let i = 0; i < 3; i++) results.push(await e.trainStep(batch));
          return { results, weights: await weightsOf(e) };
        };
        const [a, b] = [await run(), await run()];
        expect(b.results).toEqual(a.results);
        expectSameWeights(b.weights, a.weights);
      });

      it('refuses training before configure, and groups that leave a tensor out, name one twice or name an unknown one', async () => {
        const e = await engine(fixture);
        await expect(e.trainStep(batch)).rejects.toThrow('configure');
        const names = e.tensorNames();
        const all = { name: 'all', tensors: names, learningRate: 0.01, weightDecay: 0 };
        expect(() => e.configure([{ ...all, tensors: names.slice(1) }], STEP_SETTINGS)).toThrow(
          `every weight must be in a parameter group; missing: ${names[0]}`,
        );
        expect(() => e.configure([all, { ...all, name: 'again', tensors: [names[0]!] }], STEP_SETTINGS)).toThrow(
          `${names[0]} is in both parameter groups "all" and "again"`,
        );
        expect(() =>
          e.configure([{ ...all, tensors: [...names, 'model.layers.99.mlp.up_proj.weight'] }], STEP_SETTINGS),
        ).toThrow('model.layers.99.mlp.up_proj.weight');
        expect(() => e.configure([all], { ...STEP_SETTINGS, gradientAccumulation: 0 })).toThrow(
          'gradientAccumulation must be a whole number ≥ 1',
        );
      });

      it('refuses a token id outside the vocabulary, naming it', async () => {
        const e = await engine(fixture);
        e.configure(frozenLayerGroups(e), STEP_SETTINGS);
        const outside = e.architecture.vocabSize;
        await expect(e.trainStep([{ ids: [1, 5, outside], promptLength: 1 }])).rejects.toThrow(
          `token id ${outside} is outside the model's vocabulary`,
        );
      });
    });
  });
}

function logitsDiff(a: BatchLogits, b: BatchLogits): number {
  return Math.max(...a.data.map((row, i) => maxAbsDiff(row, b.data[i]!)));
}

/** A random mistral model with grouped-query attention: a family without a PyTorch fixture. */
const MISTRAL: ModelArchitecture = {
  family: 'mistral',
  vocabSize: 64,
  hiddenSize: 32,
  numLayers: 2,
  numHeads: 8,
  numKvHeads: 2,
  headDim: 4,
  intermediateSize: 48,
  maxPositionEmbeddings: 48,
  ropeTheta: 1e6,
  rmsNormEps: 1e-5,
  qkvBias: false,
  tieWordEmbeddings: false,
  bosTokenId: 1,
  eosTokenIds: [2],
  padTokenId: 0,
};

function describeAcrossEngines(engines: readonly EngineUnderTest[]): void {
  const inference = engines.filter((e) => e.openInference);
  const training = engines.filter((e) => e.openTraining);
  const temporary: string[] = [];
  const temporaryDir = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    temporary.push(dir);
    return dir;
  };
  afterAll(() => temporary.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  describe.skipIf(training.length < 2 || withGradients.length === 0)(
    `every training engine follows ${training[0]?.name}'s trajectory`,
    () => {
      it.each(withGradients.map((f) => [f.fixture, f.reference] as const))(
        '%s: losses and gradient norms of 4 clipped AdamW steps with two groups',
        async (fixture, reference) => {
          const trajectories = [];
          for (const candidate of training) {
            const e = await candidate.openTraining!(fixtureDir(fixture));
            e.configure(frozenLayerGroups(e), STEP_SETTINGS);
            const results = [];
            for (let i = 0; i < 4; i++) results.push(await e.trainStep(reference.batch));
            await e.dispose();
            trajectories.push(results);
          }
          const [first, ...others] = trajectories;
          others.forEach((results, o) =>
            results.forEach((r, i) => {
              const who = `${training[o + 1]!.name}, step ${i + 1}`;
              expect(r.tokens, who).toBe(first![i]!.tokens);
              expect(Math.abs(r.loss - first![i]!.loss), who).toBeLessThan(1e-4);
              expect(Math.abs(r.gradNorm - first![i]!.gradNorm) / first![i]!.gradNorm, who).toBeLessThan(1e-4);
            }),
          );
        },
      );
    },
  );

  describe.skipIf(inference.length === 0 || !trainingFixture)(
    'a model trained by one engine, read by every inference engine',
    () => {
      it.each(training.map((t) => [t.name, t] as const))(
        'trained by %s: saved, opened, and its weights set into an engine on the base, every inference engine gives the same logits',
        async (_, trainer) => {
          const base = fixtureDir(trainingFixture!.fixture);
          const sequences = [
            [1, 10, 11, 12],
            [1, 20, 21, 22, 23, 30, 31],
          ];
          const e = await trainer.openTraining!(base);
          e.configure([{ name: 'all', tensors: e.tensorNames(), learningRate: 5e-3, weightDecay: 0 }], STEP_SETTINGS);
          for (let i = 0; i < 4; i++) await e.trainStep(trainingFixture!.reference.batch);
          const saved = temporaryDir('mllr-conformance-trained-');
          await e.save(saved);
          const weights = await e.getWeights(e.tensorNames());
          await e.dispose();

          let expected: BatchLogits | undefined;
          for (const reader of inference) {
            const fromFolder = await reader.openInference!(saved);
            const onBase = await reader.openInference!(base);
            const before = await onBase.logits({ sequences });
            await onBase.setWeights(weights);
            const [tuned, set] = [await fromFolder.logits({ sequences }), await onBase.logits({ sequences })];
            // Training moved the logits well beyond the tolerance, so agreeing below it means the new weights are in use.
            expect(logitsDiff(before, tuned), reader.name).toBeGreaterThan(100 * FORWARD_TOLERANCE);
            expect(logitsDiff(set, tuned), reader.name).toBeLessThan(FORWARD_TOLERANCE);
            expected ??= tuned;
            expect(logitsDiff(tuned, expected), reader.name).toBeLessThan(FORWARD_TOLERANCE);
            await Promise.all([fromFolder.dispose(), onBase.dispose()]);
          }
        },
      );
    },
  );

  describe.skipIf(inference.length < 2)(`every inference engine agrees with ${inference[0]?.name}`, () => {
    it('on a random mistral model with grouped-query attention: logits, greedy and seeded sampled tokens', async () => {
      const dir = temporaryDir('mllr-conformance-mistral-');
      await saveCheckpoint(dir, {
        config: architectureToConfig(MISTRAL),
        tensors: [...randomTensors(MISTRAL, 77).values()],
      });
      const sequences = [
        [1, 5, 9, 33, 12],
        [1, 40],
        [1, 7, 7, 7, 61, 3, 20, 11],
      ];
      const greedy = { maxNewTokens: 10, stopTokenIds: [] };
      // Sampling draws the same tokens from the same seed when the logits agree.
      const sampled = { ...greedy, temperature: 0.8, topP: 0.9, seed: 5 };
      const outputs = [];
      for (const candidate of inference) {
        const e = await candidate.openInference!(dir);
        outputs.push({
          name: candidate.name,
          logits: await e.logits({ sequences }),
          greedy: await e.generate(sequences, greedy),
          sampled: await e.generate(sequences, sampled),
        });
        await e.dispose();
      }
      const [first, ...others] = outputs;
      for (const other of others) {
        expect(logitsDiff(other.logits, first!.logits), other.name).toBeLessThan(FORWARD_TOLERANCE);
        expect(other.greedy, other.name).toEqual(first!.greedy);
        expect(other.sampled, other.name).toEqual(first!.sampled);
      }
    });
  });
}
