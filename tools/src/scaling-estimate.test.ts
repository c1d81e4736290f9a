import { describe, expect, it } from 'vitest';
import { parameterCount } from '@mllr/model';
import { tinyChatArchitecture } from '../tiny-chat/tiny-chat-config.js';
import {
  defaultPlan,
  estimatePipeline,
  fannedOut,
  parseShape,
  scalingArchitecture,
  shapeLabel,
} from '../bench/scaling-estimate.js';

describe('scaling shapes', () => {
  it('4x128 is exactly tiny-chat, and wider shapes keep 32-wide heads and SwiGLU 2.75 × d_model', () => {
    expect(scalingArchitecture({ layers: 4, dModel: 128 }, 425)).toEqual(tinyChatArchitecture(425));
    const wide = scalingArchitecture({ layers: 16, dModel: 512 }, 425);
    expect(wide).toMatchObject({
      numLayers: 16,
      hiddenSize: 512,
      numHeads: 16,
      numKvHeads: 16,
      headDim: 32,
      intermediateSize: 1408,
      maxPositionEmbeddings: 128,
    });
    // Per layer 4·d² + 3·d·2.75d = 12.25·d², plus the tied embedding and the norms.
    expect(parameterCount(wide)).toBe(16 * (12.25 * 512 * 512 + 2 * 512) + 425 * 512 + 512);
  });

  it('parses LAYERSxD_MODEL and refuses what is not one', () => {
    expect(parseShape('8x256')).toEqual({ layers: 8, dModel: 256 });
    expect(shapeLabel(parseShape(' 16x512 '))).toBe('16x512');
    for (const bad of ['8', '8x100', '0x128', 'x128', '8×128']) expect(() => parseShape(bad)).toThrow(/LAYERSxD_MODEL/);
  });
});

describe('pipeline estimate', () => {
  it('counts the default plan from the layers', () => {
    expect(defaultPlan(4, 2)).toEqual({
      modules: 28,
      repeats: 3,
      searchChecks: 7,
      runs: 4,
      steps: 100,
      workers: 2,
      evaluatedModels: 5,
    });
    expect(defaultPlan(16, 2)).toMatchObject({ modules: 112, searchChecks: 28 });
  });

  it('gives each worker whole jobs, and never more workers than jobs', () => {
    expect(fannedOut(28, 0.5, 2)).toBe(7);
    expect(fannedOut(4, 10, 3)).toBe(20); // 2 jobs on one worker, 1 on each of the others
    expect(fannedOut(4, 10, 16)).toBe(10);
    expect(fannedOut(3, 10, 1)).toBe(30);
  });

  it('adds the units up stage by stage', () => {
    const units = { trainStepS: 0.25, proxyS: 2, probeUnitS: 0.1, onnxOpenS: 0.2, evalGenerationS: 0.8 };
    const e = estimatePipeline(units, defaultPlan(4, 2));
    expect(e.robustness).toBeCloseTo(14 * 3 * 0.1); // 28 modules on 2 workers, 3 repeats each
    expect(e.search).toBeCloseTo(7 * 3 * 0.1);
    expect(e.ift).toBeCloseTo(2 * 100 * 0.25); // 4 runs on 2 workers
    expect(e.eval).toBeCloseTo(5 * 1.0);
    expect(e.proxy).toBe(2);
    expect(e.total).toBeCloseTo(2 + 4.2 + 2.1 + 50 + 5);
  });
});
