import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promptFileSource, readAll } from '@mllr/data';
import { loadCheckpoint, loadTokenizer, readSafetensors } from '@mllr/model';
import { BUILTIN_PLUGINS, loadRunConfig } from '@mllr/pipeline';

/** One seed: the files of a folder the parser reads, and which of them is mutated. */
export interface FuzzSeed {
  label: string;
  files: Record<string, Uint8Array>;
  mutable: string;
  /** Extra input to the runner (a dataset preset). */
  arg?: string;
}

/** A parser under fuzzing: its seeds (read in the main thread) and how the worker runs it on a folder. */
export interface FuzzTarget {
  name: string;
  description: string;
  seeds(): FuzzSeed[];
  /** Runs the parser on the folder; resolves on success, throws what the parser throws. */
  run(dir: string, seed: FuzzSeed): Promise<void>;
}

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TINY_CHAT = join(REPO, 'packages/tiny-chat/model');
const CHECKPOINT_FIXTURES = join(REPO, 'fixtures/checkpoints');
const REAL_DATA = process.env['MLLR_DATA_DIR'] ?? join(REPO, '..', 'shared', 'data');

const read = (file: string) => new Uint8Array(readFileSync(file));
const text = (value: string) => new TextEncoder().encode(value);

/** Checkpoint folders used as seeds: the embedded model and every fixture checkpoint. */
function checkpointDirs(): string[] {
  const fixtures = existsSync(CHECKPOINT_FIXTURES)
    ? readdirSync(CHECKPOINT_FIXTURES).map((d) => join(CHECKPOINT_FIXTURES, d))
    : [];
  return [TINY_CHAT, ...fixtures];
}

function filesOf(dir: string, names: readonly string[]): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const name of names) if (existsSync(join(dir, name))) files[name] = read(join(dir, name));
  return files;
}

const safetensors: FuzzTarget = {
  name: 'safetensors',
  description: 'readSafetensors on model.safetensors (header, offsets, dtypes, every tensor decoded)',
  seeds: () =>
    checkpointDirs().map((dir) => ({
      label: dir,
      files: filesOf(dir, ['model.safetensors']),
      mutable: 'model.safetensors',
    })),
  async run(dir) {
    await readSafetensors(join(dir, 'model.safetensors'));
  },
};

const modelConfig: FuzzTarget = {
  name: 'model-config',
  description: 'loadCheckpoint with a mutated config.json (parse, family checks, expected tensor shapes)',
  seeds: () =>
    checkpointDirs()
      .filter((dir) => dir !== TINY_CHAT) // its 3.4 MB of weights would slow every input; the fixtures cover the families
      .map((dir) => ({
        label: dir,
        files: filesOf(dir, ['config.json', 'model.safetensors']),
        mutable: 'config.json',
      })),
  async run(dir) {
    await loadCheckpoint(dir);
  },
};

const tokenizer: FuzzTarget = {
  name: 'tokenizer',
  description:
    'loadTokenizer (tokenizer.json, tokenizer_config.json, chat template), then encode, decode and the chat template',
  seeds() {
    const seeds: FuzzSeed[] = [];
    for (const dir of checkpointDirs()) {
      const files = filesOf(dir, ['tokenizer.json', 'tokenizer_config.json', 'config.json']);
      if (!files['tokenizer.json']) continue;
      for (const mutable of ['tokenizer.json', 'tokenizer_config.json', 'config.json']) {
        if (files[mutable]) seeds.push({ label: `${dir} (${mutable})`, files, mutable });
      }
    }
    return seeds;
  },
  async run(dir) {
    const t = await loadTokenizer(dir);
    const ids = t.encode('Hello, world! <|user|> 1234 héllo');
    t.decode(ids);
    // A model without a chat template is refused with CHECKPOINT_UNSUPPORTED: a typed error, not a finding.
    t.applyChatTemplate([{ role: 'user', content: 'hi' }], { addGenerationPrompt: true });
  },
};

function runConfigSeeds(): FuzzSeed[] {
  const files = [
    join(REPO, 'packages/pipeline/configs/default.yaml'),
    join(REPO, 'examples/real-data.yaml'),
    ...readdirSync(join(REPO, 'test/fixtures'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => join(REPO, 'test/fixtures', f)),
  ].filter((f) => existsSync(f));
  const seeds = files.map((file) => ({ label: file, files: { 'config.yaml': read(file) }, mutable: 'config.yaml' }));
  const json = {
    seed: 7,
    data: {
      ift: { path: 'domain.jsonl', preset: 'gsm8k', limit: 10 },
      harmful_eval: [{ path: 'harmful.csv', preset: 'advbench' }],
    },
    proxy: { name: 'noise', options: { repeats: 1, sigma: 0.01 } },
    strategies: [{ id: 'ml-lr', schedule: { name: 'ml-lr', options: { alpha: 0.1 } } }],
    training: { steps: 5, batch_size: 2 },
    model: { pretrain: { data: [{ path: 'a.json', repeat: 2 }], steps: 10, architecture: { layers: 2 } } },
  };
  seeds.push({
    label: 'generated JSON config',
    files: { 'config.yaml': text(JSON.stringify(json, null, 1)) },
    mutable: 'config.yaml',
  });
  return seeds;
}

const runConfig: FuzzTarget = {
  name: 'run-config',
  description: 'loadRunConfig (YAML/JSON parse, zod schema, plugin names, secret-looking keys)',
  seeds: runConfigSeeds,
  async run(dir) {
    await loadRunConfig(join(dir, 'config.yaml'), BUILTIN_PLUGINS);
  },
};

/** Small dataset seeds per format: the pipeline's test data and, when present, the head of each real dataset. */
function datasetSeeds(format: 'csv' | 'json' | 'jsonl'): FuzzSeed[] {
  const seeds: FuzzSeed[] = [];
  const add = (label: string, content: string, preset: string) =>
    seeds.push({ label, files: { [`data.${format}`]: text(content) }, mutable: `data.${format}`, arg: preset });
  const testData = join(REPO, 'packages/pipeline/src/test-fixtures/data');
  for (const name of readdirSync(testData).filter((f) => f.endsWith(`.${format}`))) {
    add(
      join(testData, name),
      readFileSync(join(testData, name), 'utf8'),
      format === 'csv' ? 'advbench' : format === 'jsonl' ? 'gsm8k' : 'alpaca',
    );
  }
  const real: Record<typeof format, [string, string][]> = {
    csv: [['advbench_harmful_behaviors.csv', 'advbench']],
    json: [
      ['alpaca_5000.json', 'alpaca'],
      ['safety_only_data_Instructions.json', 'safety-tuned-llamas'],
      ['code_alpaca_2k.json', 'code-alpaca'],
    ],
    jsonl: [['gsm8k_test.jsonl', 'gsm8k']],
  };
  for (const [name, preset] of real[format]) {
    const file = join(REAL_DATA, name);
    if (!existsSync(file)) continue;
    const content = readFileSync(file, 'utf8');
    if (format === 'json') {
      const records = (JSON.parse(content) as unknown[]).slice(0, 12);
      add(file, JSON.stringify(records, null, 1), preset);
      add(`${file} (wrapped in data)`, JSON.stringify({ data: records.slice(0, 4) }), preset);
    } else {
      add(file, content.split('\n').slice(0, 16).join('\n'), preset);
    }
  }
  if (format === 'jsonl')
    add(
      'generated JSON Lines',
      '{"prompt": "a", "response": "b", "label": "x"}\r\n\n{"prompt": "c\\n", "input": "d"}\n',
      'generic',
    );
  if (format === 'csv')
    add(
      'generated CSV with quotes and CRLF',
      'prompt,response,label\r\n"a, ""quoted"" one","multi\nline",x\r\nplain,reply,\r\n',
      'generic',
    );
  return seeds;
}

function datasetTarget(format: 'csv' | 'json' | 'jsonl'): FuzzTarget {
  return {
    name: format,
    description: `readAll over a .${format} file with its preset, then promptFileSource + readAll`,
    seeds: () => datasetSeeds(format),
    async run(dir, seed) {
      const path = join(dir, `data.${format}`);
      await readAll({ path, preset: seed.arg ?? 'generic' });
      // GSM8K has no prompt-like column, so a file of prompts is read only from the other layouts.
      if (seed.arg !== 'gsm8k') await readAll(await promptFileSource(path));
    },
  };
}

/** Every parser the fuzz script covers, by name. */
export const TARGETS: Record<string, FuzzTarget> = Object.fromEntries(
  [
    safetensors,
    modelConfig,
    tokenizer,
    runConfig,
    datasetTarget('csv'),
    datasetTarget('json'),
    datasetTarget('jsonl'),
  ].map((t) => [t.name, t]),
);
