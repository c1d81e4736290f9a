import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '@mllr/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx, MODEL_FILE } from '../export/export-onnx.js';
import { onnx, type OnnxTypes } from '../export/onnx-proto.js';
import { OnnxEngineProvider } from '../onnx-engine-provider.js';
import { FIXTURES_DIR, OPTIMUM_FIXTURES_DIR, optimumFixtureNames } from '../test-support/fixtures.js';
import { onnxModelFile, readOnnxFolder } from './onnx-folder.js';

const fixture = optimumFixtureNames().includes('llama-mha-tied')
  ? join(OPTIMUM_FIXTURES_DIR, 'llama-mha-tied')
  : undefined;

describe.skipIf(!fixture)('ONNX model folders: which kind, and clear errors for the wrong ones', () => {
  let root: string;
  const provider = new OnnxEngineProvider({ device: 'cpu', threads: 1 });
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'mllr-onnx-folder-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** A copy of the fixture folder whose model.onnx is `bytes`, or the fixture's graph after `edit`. */
  function variant(
    name: string,
    change: {
      bytes?: Uint8Array;
      edit?: (model: OnnxTypes.ModelProto) => void;
      config?: (c: Record<string, unknown>) => void;
    },
  ): string {
    const dir = join(root, name);
    mkdirSync(dir);
    const config = JSON.parse(readFileSync(join(fixture!, 'config.json'), 'utf8')) as Record<string, unknown>;
    change.config?.(config);
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    let bytes = change.bytes;
    if (!bytes) {
      const model = onnx.ModelProto.decode(readFileSync(join(fixture!, MODEL_FILE)));
      change.edit?.(model);
      bytes = onnx.ModelProto.encode(model).finish();
    }
    writeFileSync(join(dir, MODEL_FILE), bytes);
    return dir;
  }

  const renameInput = (from: string, to: string) => (model: OnnxTypes.ModelProto) => {
    model.graph!.input!.find((i) => i.name === from)!.name = to;
    for (const node of model.graph!.node ?? []) node.input = (node.input ?? []).map((n) => (n === from ? to : n));
  };

  it('tells an Optimum decoder from an mllr export', async () => {
    expect(await readOnnxFolder(fixture!)).toMatchObject({
      kind: 'optimum',
      info: { modelFile: join(fixture!, MODEL_FILE), inputs: { positionIds: true, useCacheBranch: false } },
    });
    const exported = join(root, 'mllr-export');
    await exportOnnx(await loadCheckpoint(join(FIXTURES_DIR, 'llama-mha-tied')), exported);
    expect(await readOnnxFolder(exported)).toMatchObject({ kind: 'mllr' });
    expect(await provider.describe(exported)).toMatchObject({ format: 'ONNX, exported by mllr', hiddenStates: true });
    expect(await provider.describe(join(FIXTURES_DIR, 'llama-mha-tied'))).toBeUndefined();
    expect(onnxModelFile(join(FIXTURES_DIR, 'llama-mha-tied'))).toBeUndefined();
  });

  it('runs a graph whose weights lie in model.onnx_data, as Optimum writes large models', async () => {
    const dir = variant('external-data', {
      edit: (m) => {
        const chunks: Buffer[] = [];
        let offset = 0;
        for (const t of m.graph!.initializer!) {
          const bytes = Buffer.from(t.rawData!);
          chunks.push(bytes);
          t.rawData = new Uint8Array(0);
          t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
          t.externalData = [
            onnx.StringStringEntryProto.create({ key: 'location', value: 'model.onnx_data' }),
            onnx.StringStringEntryProto.create({ key: 'offset', value: String(offset) }),
            onnx.StringStringEntryProto.create({ key: 'length', value: String(bytes.length) }),
          ];
          offset += bytes.length;
        }
        writeFileSync(join(root, 'external-data.bin'), Buffer.concat(chunks));
      },
    });
    copyFileSync(join(root, 'external-data.bin'), join(dir, 'model.onnx_data'));
    const [external, inline] = await Promise.all([provider.openInference(dir), provider.openInference(fixture!)]);
    const prompt = { sequences: [[1, 5, 9, 13]] };
    const [a, b] = await Promise.all([external.logits(prompt), inline.logits(prompt)]);
    expect(Array.from(a.data[0]!)).toEqual(Array.from(b.data[0]!));
    expect((await provider.describe(dir))!.storedValues).toBe((await provider.describe(fixture!))!.storedValues);
    await Promise.all([external.dispose(), inline.dispose()]);
  });

  it('refuses a malformed model.onnx, naming the file', async () => {
    const garbage = variant('garbage', { bytes: new TextEncoder().encode('this is not an ONNX model at all\n') });
    await expect(provider.openInference(garbage)).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      message: expect.stringContaining(`${join(garbage, MODEL_FILE)}: not a readable ONNX model`),
    });
    const whole = readFileSync(join(fixture!, MODEL_FILE));
    const truncated = variant('truncated', { bytes: whole.subarray(0, Math.floor(whole.length / 2)) });
    await expect(provider.openInference(truncated)).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      message: expect.stringContaining(join(truncated, MODEL_FILE)),
    });
    // Decodes, passes the IO check, but ONNX Runtime cannot build it: a node reads a value nothing produces.
    const broken = variant('broken', { edit: (m) => (m.graph!.node![3]!.input![0] = 'nothing_makes_this') });
    await expect(provider.openInference(broken)).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      message: expect.stringContaining(`${join(broken, MODEL_FILE)}: ONNX Runtime could not load it`),
    });
  });

  it('refuses a graph whose inputs or outputs are not Optimum’s, naming the file and the name', async () => {
    const renamed = variant('renamed', { edit: renameInput('past_key_values.1.value', 'past.1.value') });
    const error = provider.openInference(renamed);
    await expect(error).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID' });
    const message = await error.catch((e: Error) => e.message);
    expect(message).toContain(join(renamed, MODEL_FILE));
    expect(message).toMatch(/not a decoder with past key\/values in Hugging Face Optimum's convention/);
    expect(message).toMatch(/input past_key_values\.1\.value is missing/);
    expect(message).toMatch(
      /its inputs are input_ids, attention_mask, position_ids, past_key_values\.0\.key, .*past\.1\.value/,
    );

    const noPresent = variant('no-present', {
      edit: (m) => (m.graph!.output!.find((o) => o.name === 'present.0.key')!.name = 'present_0_key'),
    });
    await expect(provider.openInference(noPresent)).rejects.toThrow(/output present\.0\.key is missing/);
    const extra = variant('extra-input', { edit: renameInput('position_ids', 'token_type_ids') });
    await expect(provider.openInference(extra)).rejects.toThrow(/mllr does not know what to feed input token_type_ids/);
    const branchType = variant('branch-type', {
      edit: (m) =>
        m.graph!.input!.push(
          onnx.ValueInfoProto.create({
            name: 'use_cache_branch',
            type: { tensorType: { elemType: 7, shape: { dim: [{ dimValue: 1 }] } } },
          }),
        ),
    });
    await expect(provider.openInference(branchType)).rejects.toThrow(/use_cache_branch has element type 7, not bool/);
  });

  it('refuses a graph that does not fit its config.json', async () => {
    const fewerLayers = variant('three-layers', { config: (c) => (c.num_hidden_layers = 3) });
    await expect(provider.openInference(fewerLayers)).rejects.toThrow(
      /input past_key_values\.2\.key is missing \(config\.json gives 3 layers\)/,
    );
    const kvHeads = variant('kv-heads', { config: (c) => (c.num_key_value_heads = 2) });
    await expect(provider.openInference(kvHeads)).rejects.toThrow(
      /past_key_values\.0\.key has shape \[batch_size, 4, past_sequence_length, 8\] but config\.json \(num_key_value_heads and head_dim\) implies 2 at axis 1/,
    );
    const noConfig = join(root, 'no-config');
    mkdirSync(noConfig);
    copyFileSync(join(fixture!, MODEL_FILE), join(noConfig, MODEL_FILE));
    await expect(provider.openInference(noConfig)).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      message: expect.stringContaining(join(noConfig, 'config.json')),
    });
  });

  it('opens Optimum’s older layout by its merged graph, and refuses it without one', async () => {
    const legacy = join(root, 'legacy');
    mkdirSync(legacy);
    copyFileSync(join(fixture!, 'config.json'), join(legacy, 'config.json'));
    copyFileSync(join(fixture!, MODEL_FILE), join(legacy, 'decoder_with_past_model.onnx'));
    await expect(provider.openInference(legacy)).rejects.toMatchObject({
      code: 'CHECKPOINT_UNSUPPORTED',
      message: expect.stringContaining(
        `${join(legacy, 'decoder_with_past_model.onnx')}: Optimum's older layout without its merged graph`,
      ),
    });
    const merged = join(OPTIMUM_FIXTURES_DIR, 'llama-mha-tied-merged', 'decoder_model_merged.onnx');
    copyFileSync(merged, join(legacy, 'decoder_model_merged.onnx'));
    expect(onnxModelFile(legacy)).toBe(join(legacy, 'decoder_model_merged.onnx'));
    const engine = await provider.openInference(legacy);
    expect(await engine.generate([[1, 2, 3]], { maxNewTokens: 3 })).toHaveLength(1);
    await engine.dispose();
  });
});
