/**
 * Writes a random-weight model folder of a real architecture, from the real config.json and tokenizer (no weights
 * needed): the model folders of ../shared/models become runnable checkpoints for tests and benchmarks at real sizes.
 *
 *   npx tsx tools/make-random-model.ts --from SmolLM2-135M-Instruct --out /tmp/models/smollm2-135m
 *       [--seed 1] [--init normal|wide] [--layers N] [--hidden H] [--intermediate I] [--heads H] [--kv-heads K] [--json]
 *   npx nx run tools:make-random-model -- --from ../shared/models/SmolLM2-135M-Instruct --out /tmp/smol
 *
 * `--from` is a folder path, or a bare name looked up in $MLLR_SHARED_MODELS (default ../shared/models beside the
 * repository). Exit 2 on bad arguments or a missing or unreadable source folder.
 */
import { parseArgs } from 'node:util';
import { MllrError, toMllrError } from '@mllr/core';
import { formatBytes } from '@mllr/model';
import { makeRandomModel, resolveSourceFolder, type RandomInit } from './random-model/make-random-model.js';
import type { SizeOverrides } from './random-model/random-model-config.js';

const SIZE_OPTIONS = {
  layers: 'layers',
  hidden: 'hidden',
  intermediate: 'intermediate',
  heads: 'heads',
  'kv-heads': 'kvHeads',
} as const;

async function main(): Promise<void> {
  const { values } = parseCommandLine();
  if (values.from === undefined || values.out === undefined)
    throw new MllrError('ARGUMENT_INVALID', '--from DIR|NAME and --out DIR are required');
  const init = values.init as RandomInit;
  if (init !== 'normal' && init !== 'wide')
    throw new MllrError('ARGUMENT_INVALID', `--init must be normal or wide, got "${values.init}"`);
  const seed = wholeNumber('--seed', values.seed, 0);
  const sizes: SizeOverrides = {};
  for (const [option, key] of Object.entries(SIZE_OPTIONS)) {
    const text = values[option as keyof typeof SIZE_OPTIONS];
    if (text !== undefined) sizes[key] = wholeNumber(`--${option}`, text, 1);
  }

  const started = performance.now();
  const from = await resolveSourceFolder(values.from);
  const model = await makeRandomModel({ from, out: values.out, seed, init, sizes });
  const seconds = (performance.now() - started) / 1000;
  const a = model.architecture;
  if (values.json) {
    console.log(
      JSON.stringify({
        dir: model.dir,
        from,
        seed,
        init,
        parameters: model.parameters,
        weight_bytes: model.weightBytes,
        copied_files: model.copiedFiles,
        seconds,
      }),
    );
  } else {
    console.log(
      `wrote ${model.dir}: ${a.family}, ${a.numLayers} layers, hidden ${a.hiddenSize}, ${a.numHeads}/${a.numKvHeads} heads, ` +
        `intermediate ${a.intermediateSize}, vocab ${a.vocabSize}, ${(model.parameters / 1e6).toFixed(1)}M parameters, ` +
        `${formatBytes(model.weightBytes)} of random F32 weights (seed ${seed}, init ${init}) in ${seconds.toFixed(1)} s`,
    );
    console.log(`copied from ${from}: config.json (sizes as above), ${model.copiedFiles.join(', ')}`);
  }
}

function parseCommandLine() {
  try {
    return parseArgs({
      options: {
        from: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string', default: '1' },
        init: { type: 'string', default: 'normal' },
        layers: { type: 'string' },
        hidden: { type: 'string' },
        intermediate: { type: 'string' },
        heads: { type: 'string' },
        'kv-heads': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new MllrError('ARGUMENT_INVALID', error instanceof Error ? error.message : String(error));
  }
}

function wholeNumber(option: string, text: string, min: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) {
    throw new MllrError('ARGUMENT_INVALID', `${option} must be a whole number ≥ ${min}, got "${text}"`);
  }
  return value;
}

try {
  await main();
} catch (error) {
  // A message, never a stack: bad arguments and unreadable sources are exit 2, anything else exit 1.
  const mllrError = toMllrError(error);
  console.error(`make-random-model: ${mllrError.message}`);
  process.exitCode = mllrError.exitCode;
}
