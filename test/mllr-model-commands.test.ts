import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectReferenceGreedyIds, runMllr } from './mllr-cli.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/checkpoints');
const fixtures = readdirSync(FIXTURES).sort();

/** A copy of the llama fixture whose model.safetensors `damage` rewrites. */
function damagedCopy(damage: (bytes: Buffer) => Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'mllr-corrupt-'));
  const source = join(FIXTURES, 'llama-mha-tied');
  copyFileSync(join(source, 'config.json'), join(dir, 'config.json'));
  writeFileSync(join(dir, 'model.safetensors'), damage(readFileSync(join(source, 'model.safetensors'))));
  return dir;
}

/** Rewrites the JSON header of a safetensors file (keeping its length field consistent). */
function editHeader(bytes: Buffer, edit: (header: Record<string, { data_offsets: [number, number] }>) => void): Buffer {
  const length = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + length).toString('utf8'));
  edit(header);
  let text = JSON.stringify(header);
  text += ' '.repeat((8 - (text.length % 8)) % 8);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(text.length));
  return Buffer.concat([prefix, Buffer.from(text), bytes.subarray(8 + length)]);
}

describe('mllr generate', () => {
  it.each(fixtures)('--ids 1,2,3 --max-new-tokens 8 --json prints the PyTorch greedy ids for %s', async (name) => {
    await expectReferenceGreedyIds(join(FIXTURES, name));
  });

  it('decodes text with the model tokenizer and renders --prompt through the chat template', async () => {
    const result = await runMllr([
      'generate',
      '--model',
      join(FIXTURES, 'llama-mha-tied'),
      '--prompt',
      'what is the time',
      '--max-new-tokens',
      '4',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed.prompt_ids[0]).toBe(1);
    expect(printed.output_ids).toHaveLength(4);
    expect(typeof printed.text).toBe('string');
  });
});

describe('mllr inspect', () => {
  it('prints architecture, parameters, modules and device', async () => {
    const result = await runMllr(['inspect', '--model', join(FIXTURES, 'llama-gqa-untied'), '--json']);
    expect(result.code).toBe(0);
    const info = JSON.parse(result.stdout);
    expect(info.architecture).toMatchObject({
      family: 'llama',
      numLayers: 2,
      numHeads: 4,
      numKvHeads: 2,
      tieWordEmbeddings: false,
    });
    expect(info.modules).toHaveLength(14);
    expect(info.device).toBe('wasm');
    expect(info.parameters).toBeGreaterThan(10_000);
  });

  const corruptions: Array<[string, () => string, RegExp]> = [
    [
      'a truncated file',
      () => damagedCopy((b) => b.subarray(0, b.length - 100)),
      /model\.safetensors.*(beyond|truncated|past the end)/i,
    ],
    [
      'a header that is not JSON',
      () =>
        damagedCopy((b) => {
          const c = Buffer.from(b);
          c.write('{{{{', 8);
          return c;
        }),
      /model\.safetensors.*header/i,
    ],
    [
      'overlapping tensors',
      () =>
        damagedCopy((b) =>
          editHeader(b, (h) => {
            const names = Object.keys(h).filter((k) => k !== '__metadata__');
            h[names[1]!]!.data_offsets = [
              h[names[0]!]!.data_offsets[0],
              h[names[0]!]!.data_offsets[0] + (h[names[1]!]!.data_offsets[1] - h[names[1]!]!.data_offsets[0]),
            ];
          }),
        ),
      /model\.safetensors.*overlap/i,
    ],
  ];
  it.each(corruptions)('gives a clear error and exit code 2 for %s', async (_what, make, message) => {
    const result = await runMllr(['inspect', '--model', make()]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^mllr: /);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('shows the rope scaling of a Llama 3.1-style config, and none for plain RoPE', async () => {
    const scaled = await runMllr(['inspect', '--model', join(FIXTURES, 'llama-rope-llama3')]);
    expect(scaled.code).toBe(0);
    expect(scaled.stdout).toMatch(
      /^rope scaling llama3 · factor 8 · low_freq_factor 1 · high_freq_factor 4 · original context 64$/m,
    );
    const json = await runMllr(['inspect', '--model', join(FIXTURES, 'llama-rope-linear'), '--json']);
    expect(JSON.parse(json.stdout).architecture.ropeScaling).toEqual({ kind: 'linear', factor: 3 });
    expect((await runMllr(['inspect', '--model', join(FIXTURES, 'llama-gqa-untied')])).stdout).toMatch(
      /^rope scaling none \(plain RoPE\)$/m,
    );
  });

  it.each(['yarn', 'dynamic', 'longrope'])(
    'refuses rope_scaling kind %s with exit code 2, naming the kind and config.json',
    async (kind) => {
      const dir = mkdtempSync(join(tmpdir(), 'mllr-rope-'));
      const config = JSON.parse(readFileSync(join(FIXTURES, 'llama-rope-llama3', 'config.json'), 'utf8'));
      writeFileSync(
        join(dir, 'config.json'),
        JSON.stringify({ ...config, rope_scaling: { rope_type: kind, factor: 4.0 } }),
      );
      copyFileSync(join(FIXTURES, 'llama-rope-llama3', 'model.safetensors'), join(dir, 'model.safetensors'));
      const result = await runMllr(['inspect', '--model', dir]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(join(dir, 'config.json'));
      expect(result.stderr).toContain(`RoPE scaling kind "${kind}" is not supported`);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    },
  );

  it('refuses pickle checkpoints without reading them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-pickle-'));
    copyFileSync(join(FIXTURES, 'llama-mha-tied', 'config.json'), join(dir, 'config.json'));
    writeFileSync(join(dir, 'pytorch_model.bin'), 'not really a pickle');
    const result = await runMllr(['inspect', '--model', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/pickle/i);
  });
});
