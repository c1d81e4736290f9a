import { RunConfigSchema, moduleTensorNames, type ModuleId } from '@mllr/core';
import { expectedTensorShapes, tinyArchitecture } from '@mllr/model';
import { FreezeSchedule } from '@mllr/schedules';
import { describe, expect, it } from 'vitest';
import { scheduleContext } from './ml-lr-jobs.js';
import { SINGLE_MODULE_SCHEDULE } from './validate-jobs.js';
import { validationSteps } from './validate-stage.js';
import { buildValidation, type ValidateRunRecord } from './validation-artifact.js';

describe('the single-module schedule of the validate stage', () => {
  it('trains the one module and nothing else: every other module, embeddings and norms at rate 0', () => {
    const architecture = tinyArchitecture({ numLayers: 2, qkvBias: true });
    const tensors = [...expectedTensorShapes(architecture).keys()];
    const config = RunConfigSchema.parse({});
    const schedule = new FreezeSchedule(SINGLE_MODULE_SCHEDULE.options);
    for (const module of ['L0.q', 'L1.down'] as const) {
      const groups = schedule.groups(scheduleContext(config, architecture, tensors, [module]));
      const trained = groups
        .filter((g) => g.learningRate > 0)
        .flatMap((g) => g.tensors)
        .sort();
      expect(trained).toEqual([...moduleTensorNames(module, { qkvBias: true })].sort());
      // Every tensor is in some group (the rest at 0), so the engine freezes them rather than refusing the plan.
      expect(groups.flatMap((g) => g.tensors).sort()).toEqual([...tensors].sort());
    }
  });
});

describe('validationSteps', () => {
  it("is validate.steps where given, else the run's training.steps", () => {
    expect(validationSteps(RunConfigSchema.parse({ training: { steps: 40 } }))).toBe(40);
    expect(validationSteps(RunConfigSchema.parse({ training: { steps: 40 }, validate: { steps: 7 } }))).toBe(7);
  });
});

describe('buildValidation', () => {
  const record = (module: ModuleId, seed: number, harmful_asr: number, expertise = 0.5): ValidateRunRecord => ({
    module,
    seed,
    steps: 10,
    harmful_asr,
    expertise,
    loss: { first: 2, last: 1 },
  });
  const base = { harmful_asr: 0.1, expertise: 0.4 };
  const options = { base, seeds: [1, 2], steps: 10, resamples: 500, seed: 3 };

  it('averages each module over its seeds and measures the rise over the base', () => {
    const v = buildValidation({
      ...options,
      records: [
        record('L0.q', 1, 0.2, 0.6),
        record('L0.q', 2, 0.4, 0.4),
        record('L0.k', 1, 0.1),
        record('L0.k', 2, 0.1),
      ],
      scores: [
        { module: 'L0.q', score: 0.9 },
        { module: 'L0.k', score: 0.95 },
      ],
    });
    expect(v.modules.map((m) => m.module)).toEqual(['L0.q', 'L0.k']);
    expect(v.modules[0]!.harmful_asr).toBeCloseTo(0.3, 12);
    expect(v.modules[0]!.asr_rise).toBeCloseTo(0.2, 12);
    expect(v.modules[0]!.expertise).toBeCloseTo(0.5, 12);
    expect(v.modules[1]!.asr_rise).toBeCloseTo(0, 12);
  });

  it('correlates the score with minus the rise: +1 when the most robust modules raise harmful_asr least', () => {
    const modules: ModuleId[] = ['L0.q', 'L0.k', 'L0.v', 'L0.o', 'L1.q', 'L1.k', 'L1.v', 'L1.o'];
    const scores = modules.map((module, i) => ({ module, score: 1 - i / 10 }));
    const agreeing = modules.map((m, i) => record(m, 1, 0.1 + i / 20));
    const v = buildValidation({ ...options, seeds: [1], records: agreeing, scores });
    expect(v.spearman).toBeCloseTo(1, 12);
    expect(v.ci![0]).toBeGreaterThan(0.5);
    const reversed = buildValidation({
      ...options,
      seeds: [1],
      records: modules.map((m, i) => record(m, 1, 0.5 - i / 20)),
      scores,
    });
    expect(reversed.spearman).toBeCloseTo(-1, 12);
    expect(reversed.ci![1]).toBeLessThan(-0.5);
  });

  it('has no correlation (null) when every module moved harmful_asr alike, and leaves out unscored modules', () => {
    const v = buildValidation({
      ...options,
      records: [record('L0.q', 1, 0.1), record('L0.k', 1, 0.1), record('L9.q', 1, 0.9)],
      scores: [
        { module: 'L0.q', score: 0.9 },
        { module: 'L0.k', score: 0.8 },
      ],
    });
    expect(v.modules).toHaveLength(2);
    expect(v.spearman).toBeNull();
    expect(v.ci).toBeNull();
  });
});
