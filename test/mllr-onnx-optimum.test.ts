import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectReferenceGreedyIds, referenceFolders, runMllr } from './mllr-cli.js';

// ONNX decoders in Hugging Face Optimum's input/output convention. They were written by torch.onnx.export in
// tools/fixtures/make_optimum_onnx.py (Optimum itself cannot be installed here), with PyTorch's greedy ids beside them.
const FIXTURES = resolve(import.meta.dirname, '../fixtures/onnx-optimum');
const fixtures = referenceFolders(FIXTURES);
const tied = join(FIXTURES, 'llama-mha-tied');

/** A copy of the tied fixture's config.json and tokenizer next to `model` as model.onnx. */
function folderWith(model: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'mllr-optimum-'));
  for (const file of ['config.json', 'generation_config.json']) copyFileSync(join(tied, file), join(dir, file));
  writeFileSync(join(dir, 'model.onnx'), model);
  return dir;
}

describe.skipIf(fixtures.length === 0)('mllr on an ONNX decoder in Hugging Face Optimum convention', () => {
  it.each(fixtures)(
    'generate --engine onnx --ids 1,2,3 --max-new-tokens 8 --json prints the PyTorch greedy ids for %s',
    async (name) => {
      await expectReferenceGreedyIds(join(FIXTURES, name), ['--engine', 'onnx']);
    },
  );

  it('generate --prompt goes through the folder’s tokenizer and chat template', async () => {
    const result = await runMllr([
      'generate',
      '--engine',
      'onnx',
      '--model',
      tied,
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

  it('inspect --engine onnx reads the architecture from config.json and says what needs a safetensors checkpoint', async () => {
    const json = await runMllr(['inspect', '--engine', 'onnx', '--model', tied, '--json']);
    expect(json.code).toBe(0);
    const info = JSON.parse(json.stdout);
    expect(info).toMatchObject({
      format: "ONNX, Hugging Face Optimum's decoder convention",
      file: join(tied, 'model.onnx'),
      architecture: {
        family: 'llama',
        numLayers: 2,
        numHeads: 4,
        numKvHeads: 4,
        vocabSize: 96,
        tieWordEmbeddings: true,
      },
      engine: 'onnx',
      device: 'cpu',
      hidden_states: false,
    });
    // The architecture's count (tied head once); the graph stores the tied head a second time.
    expect(info.parameters).toBe(23_712);
    expect(info.stored_values).toBe(23_712 + 96 * 32);
    expect(info.modules).toHaveLength(14);

    const text = await runMllr(['inspect', '--engine', 'onnx', '--model', tied]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^format {7}ONNX, Hugging Face Optimum's decoder convention \(.*model\.onnx: 26,784 values in \d+ initializers\)$/m,
    );
    expect(text.stdout).toMatch(
      /^limits {7}no per-layer hidden-state outputs: generation and evaluation only; the probe, robustness, search and fine-tuning stages need a safetensors checkpoint$/m,
    );
  });

  it('a malformed model.onnx is bad input (exit 2) with the file named', async () => {
    const dir = folderWith(new TextEncoder().encode('definitely not protobuf'));
    const result = await runMllr([
      'generate',
      '--engine',
      'onnx',
      '--model',
      dir,
      '--ids',
      '1,2,3',
      '--max-new-tokens',
      '2',
      '--json',
    ]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`mllr: ${join(dir, 'model.onnx')}: not a readable ONNX model`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a graph with other input names is bad input (exit 2) naming the file and the missing input', async () => {
    const bytes = Buffer.from(readFileSync(join(tied, 'model.onnx')));
    // Rename every occurrence (graph input and the nodes that read it) to a name of the same length.
    const renamed = Buffer.from(
      bytes.toString('latin1').replaceAll('past_key_values.0.key', 'past_key_values_0_key'),
      'latin1',
    );
    const dir = folderWith(renamed);
    for (const command of [['generate', '--ids', '1,2,3', '--max-new-tokens', '2'], ['inspect']]) {
      const result = await runMllr([command[0]!, '--engine', 'onnx', '--model', dir, ...command.slice(1)]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `mllr: ${join(dir, 'model.onnx')}: not a decoder with past key/values in Hugging Face Optimum's convention`,
      );
      expect(result.stderr).toContain('input past_key_values.0.key is missing');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
