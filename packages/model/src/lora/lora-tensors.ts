import {
  MllrError,
  allModuleIds,
  createRng,
  isLoraTarget,
  loraScaling,
  loraTensorNames,
  moduleTensorNames,
  type LoraSettings,
  type ModelArchitecture,
  type ModuleId,
} from '@mllr/core';
import { expectedTensorShapes } from '../checkpoint/expected-shapes.js';

/** One targeted module's adapter: its frozen weight's name and shape [out, in], and the names of A [r, in] and B [out, r]. */
export interface LoraModule {
  module: ModuleId;
  weight: string;
  out: number;
  in: number;
  a: string;
  b: string;
}

/** The targeted modules of `arch` under `settings`, layer-major in canonical type order. */
export function loraModules(arch: ModelArchitecture, settings: Pick<LoraSettings, 'targets'>): LoraModule[] {
  const shapes = expectedTensorShapes(arch);
  return allModuleIds(arch.numLayers)
    .filter((m) => isLoraTarget(m, settings))
    .map((module) => {
      const weight = moduleTensorNames(module)[0]!;
      const [out, inSize] = shapes.get(weight)!;
      const [a, b] = loraTensorNames(module);
      return { module, weight, out: out!, in: inSize!, a, b };
    });
}

/** Every adapter tensor's shape by name: A [r, in], B [out, r], in module order. */
export function loraShapes(
  arch: ModelArchitecture,
  settings: Pick<LoraSettings, 'targets' | 'r'>,
): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  for (const m of loraModules(arch, settings)) {
    shapes.set(m.a, [settings.r, m.in]);
    shapes.set(m.b, [m.out, settings.r]);
  }
  return shapes;
}

/**
 * A fresh adapter as PEFT initialises one (`reset_lora_parameters` with init_lora_weights true): A by
 * kaiming_uniform_(a = √5) over fan_in = in, which is U(−1/√in, 1/√in), and B zero, so the adapter starts as a no-op.
 * The values come from mllr's seeded generator (one stream for the whole adapter, in module order), not PyTorch's.
 */
export function initialLoraTensors(
  arch: ModelArchitecture,
  settings: Pick<LoraSettings, 'targets' | 'r'>,
  seed: number,
): Map<string, Float32Array> {
  const rng = createRng(seed);
  const tensors = new Map<string, Float32Array>();
  for (const m of loraModules(arch, settings)) {
    // gain √(2 / (1 + a²)) with a = √5 is √(1/3); bound = gain·√(3 / fan_in) = 1/√fan_in.
    const bound = 1 / Math.sqrt(m.in);
    const a = new Float32Array(settings.r * m.in);
    for (let i = 0; i < a.length; i++) a[i] = (2 * rng.next() - 1) * bound;
    tensors.set(m.a, a);
    tensors.set(m.b, new Float32Array(m.out * settings.r));
  }
  return tensors;
}

/**
 * W + s·B·A for every targeted module: new arrays for the merged weights (the inputs are not changed), accumulated
 * in float64 and rounded once to float32. Other tensors are returned as given.
 */
export function mergeLora(
  arch: ModelArchitecture,
  settings: LoraSettings,
  weights: ReadonlyMap<string, Float32Array>,
  adapter: ReadonlyMap<string, Float32Array>,
): Map<string, Float32Array> {
  const merged = new Map(weights);
  const s = loraScaling(settings);
  const { r } = settings;
  for (const m of loraModules(arch, settings)) {
    const w = weights.get(m.weight);
    const a = adapter.get(m.a);
    const b = adapter.get(m.b);
    if (!w || !a || !b)
      throw new MllrError(
        'ARGUMENT_INVALID',
        `cannot merge the adapter of ${m.module}: ${!w ? m.weight : !a ? m.a : m.b} is missing`,
      );
    const out = new Float32Array(w.length);
    const row = new Float64Array(m.in);
    for (let o = 0; o < m.out; o++) {
      row.fill(0);
      for (let k = 0; k < r; k++) {
        const bk = b[o * r + k]!;
        if (bk === 0) continue;
        const base = k * m.in;
        for (let i = 0; i < m.in; i++) row[i]! += bk * a[base + i]!;
      }
      const at = o * m.in;
      for (let i = 0; i < m.in; i++) out[at + i] = w[at + i]! + s * row[i]!;
    }
    merged.set(m.weight, out);
  }
  return merged;
}
