import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMllr } from './mllr-cli.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/checkpoints');
const fixtures = existsSync(FIXTURES) ? readdirSync(FIXTURES).filter((n) => existsSync(join(FIXTURES, n, 'reference.json'))).sort() : [];

describe('mllr generate --engine onnx', () => {
  it.each(fixtures)('--ids 1,2,3 --max-new-tokens 8 --json prints the PyTorch greedy ids for %s', async (name) => {
    const expected = JSON.parse(readFileSync(join(FIXTURES, name, 'reference.json'), 'utf8')).cli_greedy;
    const result = await runMllr(['generate', '--engine', 'onnx', '--model', join(FIXTURES, name), '--ids', '1,2,3', '--max-new-tokens', '8', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed.prompt_ids).toEqual([1, 2, 3]);
    expect(printed.output_ids).toEqual(expected.output_ids);
  });

  it('names the engine and device, and refuses a device it does not have', async () => {
    const model = join(FIXTURES, 'llama-mha-tied');
    const ok = await runMllr(['generate', '--engine', 'onnx', '--device', 'cpu', '--model', model, '--prompt', 'what is the time', '--max-new-tokens', '3']);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe('mllr: onnx on cpu\n');
    const bad = await runMllr(['generate', '--engine', 'onnx', '--device', 'wasm', '--model', model, '--ids', '1,2', '--max-new-tokens', '3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown ONNX Runtime device "wasm"; use auto, cpu, cuda/);
  });

  it('mllr inspect --engine onnx shows the device', async () => {
    const result = await runMllr(['inspect', '--engine', 'onnx', '--model', join(FIXTURES, 'llama-gqa-untied'), '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ engine: 'onnx', device: 'cpu' });
  });
});
