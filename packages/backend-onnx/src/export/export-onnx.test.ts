import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectedTensorShapes, loadModelConfig } from '@mllr/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxEngine } from '../engine/onnx-engine.js';
import { maxAbsDiff, randomModel, tinyArchitecture } from '../test-support/fixtures.js';
import { AXES, IO_NAMES } from './decoder-graph.js';
import { DATA_ALIGNMENT, FORMAT, OPSET } from './encode-model.js';
import { DATA_FILE, MODEL_FILE, exportOnnx, readOnnxExport, readOnnxWeights, writeOnnxWeights } from './export-onnx.js';
import { tensorMap } from './model-source.js';
import { onnx } from './onnx-proto.js';

describe('exportOnnx', () => {
  const arch = tinyArchitecture({ family: 'qwen2', qkvBias: true });
  const source = randomModel(arch, 3);
  const weights = tensorMap(source.tensors);
  let root: string;
  let dir: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'mllr-onnx-export-'));
    dir = join(root, 'exported');
    await exportOnnx(source, dir);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes an opset-17 graph with dynamic batch and sequence axes and every weight as external data', () => {
    const model = onnx.ModelProto.decode(readFileSync(join(dir, MODEL_FILE)));
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', OPSET]]);
    expect(model.metadataProps.find((p) => p.key === 'mllr.format')?.value).toBe(FORMAT);
    const graph = {
      input: model.graph?.input ?? [],
      output: model.graph?.output ?? [],
      node: model.graph?.node ?? [],
      initializer: model.graph?.initializer ?? [],
    };
    const dims = (name: string, list: typeof graph.input) =>
      list.find((v) => v.name === name)!.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
    expect(graph.input.map((v) => v.name)).toEqual([
      'input_ids',
      'attention_mask',
      'position_ids',
      ...[0, 1].flatMap((l) => [`past_key_values.${l}.key`, `past_key_values.${l}.value`]),
    ]);
    expect(dims('input_ids', graph.input)).toEqual([AXES.batch, AXES.sequence]);
    expect(dims('attention_mask', graph.input)).toEqual([AXES.batch, AXES.total]);
    expect(dims(IO_NAMES.pastKey(1), graph.input)).toEqual([AXES.batch, 2, AXES.past, 4]);
    expect(graph.output.map((v) => v.name)).toEqual([
      'logits',
      'present.0.key',
      'present.0.value',
      'present.1.key',
      'present.1.value',
      'hidden_states.0',
      'hidden_states.1',
      'new_key_values.0.key',
      'new_key_values.0.value',
      'new_key_values.1.key',
      'new_key_values.1.value',
    ]);
    expect(dims(IO_NAMES.newKey(1), graph.output)).toEqual([AXES.batch, 2, AXES.sequence, 4]);
    expect(dims('logits', graph.output)).toEqual([AXES.batch, AXES.sequence, 40]);
    expect(dims('hidden_states.0', graph.output)).toEqual([AXES.batch, 16]);

    const external = graph.initializer.filter((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL);
    expect(external.map((t) => t.name).sort()).toEqual([...expectedTensorShapes(arch).keys()].sort());
    for (const t of external) {
      const entry = new Map((t.externalData ?? []).map((e) => [e.key, e.value]));
      expect(entry.get('location')).toBe(DATA_FILE);
      expect(Number(entry.get('offset')) % DATA_ALIGNMENT).toBe(0);
    }
    // Only small constants (shapes, the RoPE tables) stay inside the graph file.
    expect(statSync(join(dir, MODEL_FILE)).size).toBeLessThan(40_000);
    const op = new Set(graph.node.map((n) => n.opType));
    expect([...op].every((o) => o && !o.includes('.'))).toBe(true);
    expect(graph.node.every((n) => !n.domain)).toBe(true);
  });

  it('writes config.json and reads the weights back bit for bit', async () => {
    expect(await loadModelConfig(dir)).toEqual(
      expect.objectContaining({ family: 'qwen2', qkvBias: true, numKvHeads: 2 }),
    );
    const info = await readOnnxExport(dir);
    expect(info.architecture).toEqual(arch);
    const read = await readOnnxWeights(info);
    expect(read.map((t) => t.name).sort()).toEqual([...weights.keys()].sort());
    for (const t of read) expect(t.data).toEqual(weights.get(t.name)!.data);
  });

  it('swaps weights in the data file without rebuilding the graph', async () => {
    const swapped = join(root, 'swapped');
    await exportOnnx(source, swapped);
    const graphBefore = readFileSync(join(swapped, MODEL_FILE));
    const name = 'model.layers.0.self_attn.v_proj.bias';
    const changed = { ...weights.get(name)!, data: weights.get(name)!.data.map((v) => v + 0.5) };
    await writeOnnxWeights(swapped, [changed]);
    expect(readFileSync(join(swapped, MODEL_FILE))).toEqual(graphBefore);
    const [back] = await readOnnxWeights(await readOnnxExport(swapped), [name]);
    expect(back!.data).toEqual(changed.data);

    const fromFiles = await OnnxEngine.open(swapped, { device: 'cpu', threads: 1 });
    const inMemory = await OnnxEngine.create(source, { device: 'cpu', threads: 1 });
    const unchanged = await OnnxEngine.create(source, { device: 'cpu', threads: 1 });
    await inMemory.setWeights([changed]);
    const sequences = [[1, 5, 9, 2]];
    // The export folder's graph has standard ops, the in-memory engine's ONNX Runtime's fused kernels: the same
    // values up to float rounding, far closer than the change of the bias moves them.
    const [filesLogits, memoryLogits, before] = [
      (await fromFiles.logits({ sequences })).data[0]!,
      (await inMemory.logits({ sequences })).data[0]!,
      (await unchanged.logits({ sequences })).data[0]!,
    ];
    expect(maxAbsDiff(filesLogits, memoryLogits)).toBeLessThan(1e-5);
    expect(maxAbsDiff(filesLogits, before)).toBeGreaterThan(1e-3);
    // An engine opened on files can take new weights too, and export them.
    await fromFiles.setWeights([weights.get(name)!]);
    const again = join(root, 'again');
    await fromFiles.exportTo(again);
    expect((await readOnnxWeights(await readOnnxExport(again), [name]))[0]!.data).toEqual(weights.get(name)!.data);
    await Promise.all([fromFiles.dispose(), inMemory.dispose(), unchanged.dispose()]);

    await expect(writeOnnxWeights(swapped, [{ name, shape: [3], data: new Float32Array(3) }])).rejects.toThrow(
      `tensor ${name} has shape [3]`,
    );
    await expect(writeOnnxWeights(swapped, [{ name: 'nope', shape: [1], data: new Float32Array(1) }])).rejects.toThrow(
      'has no weight nope',
    );
  });

  it('refuses a model.onnx it did not write, a data path outside the folder and missing weights', async () => {
    const foreign = join(root, 'foreign');
    await exportOnnx(source, foreign);
    const model = onnx.ModelProto.decode(readFileSync(join(foreign, MODEL_FILE)));
    model.metadataProps = [];
    writeFileSync(join(foreign, MODEL_FILE), onnx.ModelProto.encode(model).finish());
    await expect(readOnnxExport(foreign)).rejects.toMatchObject({
      code: 'CHECKPOINT_UNSUPPORTED',
      message: expect.stringMatching(/was not exported by mllr/),
    });

    const escaping = join(root, 'escaping');
    await exportOnnx(source, escaping);
    const model2 = onnx.ModelProto.decode(readFileSync(join(escaping, MODEL_FILE)));
    model2.graph!.initializer![0]!.externalData![0]!.value = '../secret.bin';
    writeFileSync(join(escaping, MODEL_FILE), onnx.ModelProto.encode(model2).finish());
    await expect(readOnnxExport(escaping)).rejects.toThrow(
      /names the data file "\.\.\/secret\.bin", which is not a file next to the model/,
    );

    await expect(readOnnxExport(join(root, 'missing'))).rejects.toThrow(/model\.onnx: no such file/);
    const partial = new Map(weights);
    partial.delete('model.norm.weight');
    await expect(exportOnnx({ architecture: arch, tensors: partial }, join(root, 'partial'))).rejects.toThrow(
      'the model has no tensor model.norm.weight',
    );
    expect(existsSync(join(root, 'partial', MODEL_FILE))).toBe(false);
  });
});
