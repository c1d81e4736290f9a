import { createRequire } from 'node:module';
import { EXIT_CODES, MllrError, SecretRedactor, toMllrError } from '@mllr/core';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { processIo, type CliIo } from './cli-io.js';
import { benchCommand, type BenchCommandOptions } from './commands/bench-command.js';
import { evalCommand, type EvalCommandOptions } from './commands/eval-command.js';
import { exportPlanCommand, type ExportPlanOptions } from './commands/export-plan-command.js';
import { finetuneCommand, type FinetuneCommandOptions } from './commands/finetune-command.js';
import { withAdapter, type AdapterOption } from './commands/adapter-option.js';
import { generateCommand, type GenerateCommandOptions } from './commands/generate-command.js';
import { inspectCommand, type InspectOptions } from './commands/inspect-command.js';
import { runCommand, type RunCommandOptions } from './commands/run-command.js';

function positiveInt(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
    return Number(value);
  };
}

function wholeNumber(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number ≥ 0`);
    return Number(value);
  };
}

function nonNegative(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0)
      throw new InvalidArgumentError(`${name} must be a number ≥ 0`);
    return n;
  };
}

function positiveNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(`${name} must be a number > 0`);
    return n;
  };
}

function tokenIds(value: string): number[] {
  const ids = value.split(',').map((part) => part.trim());
  if (ids.some((id) => !/^\d+$/.test(id)))
    throw new InvalidArgumentError('expected comma-separated token ids, like 1,2,3');
  return ids.map(Number);
}

/** `--model` of every command that reads a model. */
const MODEL_HELP =
  'model folder in Hugging Face layout, tiny-chat or small-chat for an embedded model, or a Hub id org/name[@revision] read from the local Hugging Face cache (an existing folder of that name wins)';
/** `--download` beside it. */
const DOWNLOAD_HELP =
  'download a Hub id --model names when the cache lacks it (config, tokenizer, chat template, safetensors; never pickle files)';

/** Builds the `mllr` command tree; `exitCode` receives what the chosen action returns. */
export function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('mllr')
    .description('Safety-preserving instruction fine-tuning with Modular Layer-wise Learning Rates (ML-LR).')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride()
    .addHelpText(
      'after',
      '\nExit codes: 0 success, 1 failure while running, 2 bad input, 130 stopped by the user (resumable).',
    );

  program
    .command('run')
    .description('run the pipeline (the full ML-LR pipeline by default) in an engine process, with a live dashboard')
    .option('-c, --config <file>', 'run config, YAML or JSON (default: the shipped default config)')
    .option(
      '-o, --out <dir>',
      'run folder; an existing unfinished run there is resumed (default: a new folder under runs/)',
    )
    .option(
      '--headless',
      'print one plain line per event instead of the dashboard (automatic when stdout is not a TTY)',
    )
    .option('--json', 'print every event as one JSON object per line (JSONL)')
    .option(
      '--seeds <n>',
      'repeat the compared fine-tuning runs over n seeds (overrides the config)',
      positiveInt('--seeds'),
    )
    .option(
      '--force',
      'rerun stages even when their stored results are current (a finished run is still never overwritten)',
    )
    .option(
      '--eval-harmful <file>',
      'also measure harmful_asr on this file of harmful prompts (CSV, JSON or JSONL with a prompt, goal or instruction column); repeatable',
      (file: string, previous: string[] = []) => [...previous, file],
    )
    .action(async (options: RunCommandOptions) => setExitCode(await runCommand(options, io)));

  program
    .command('eval')
    .description(
      "evaluate one model folder (a base or a fine-tuned model) as a run's eval stage does: harmful_asr, over_refusal, usability, expertise",
    )
    .requiredOption('--model <dir>', MODEL_HELP)
    .option('--download', DOWNLOAD_HELP)
    .option(
      '-c, --config <file>',
      'run config whose data, judge and engine options to use (default: the shipped default config)',
    )
    .option(
      '--eval-harmful <file>',
      'also measure harmful_asr on this file of harmful prompts (CSV, JSON or JSONL with a prompt, goal or instruction column); repeatable',
      (file: string, previous: string[] = []) => [...previous, file],
    )
    .option(
      '-o, --out <dir>',
      'write eval.json and the judged generations (eval/<model>.jsonl) to this folder, atomically',
    )
    .option('--adapter <dir>', 'evaluate --model with this PEFT LoRA adapter folder merged in')
    .option('--json', 'print {"model", "metrics", "counts"} as one JSON object')
    .action(async (options: EvalCommandOptions & AdapterOption) =>
      setExitCode(await withAdapter(options, io, (o) => evalCommand(o, io))),
    );

  program
    .command('generate')
    .description('continue a prompt with a model (greedy unless --temperature is set)')
    .requiredOption('--model <dir>', MODEL_HELP)
    .option('--download', DOWNLOAD_HELP)
    .addOption(
      new Option('--prompt <text>', 'prompt text, rendered through the chat template as a user message').conflicts(
        'ids',
      ),
    )
    .addOption(new Option('--ids <ids>', 'prompt as comma-separated token ids, used as they are').argParser(tokenIds))
    .requiredOption('--max-new-tokens <n>', 'how many tokens to generate at most', positiveInt('--max-new-tokens'))
    .addOption(new Option('--engine <engine>', 'inference engine').choices(['tfjs', 'onnx']).default('tfjs'))
    .option(
      '--device <device>',
      'engine device (tfjs: auto, tfjs-node-gpu, tfjs-node, wasm, cpu; onnx: auto, cpu, cuda)',
    )
    .option(
      '--temperature <t>',
      'sample with this temperature instead of greedy decoding',
      nonNegative('--temperature'),
    )
    .option(
      '--top-p <p>',
      'nucleus sampling: keep the smallest set of tokens with this much probability',
      nonNegative('--top-p'),
    )
    .option('--seed <n>', 'seed for sampling', (v: string) => {
      if (!/^\d+$/.test(v)) throw new InvalidArgumentError('--seed must be a whole number ≥ 0');
      return Number(v);
    })
    .option('--raw', 'encode --prompt as plain text, without the chat template')
    .option('--adapter <dir>', 'generate with this PEFT LoRA adapter folder merged into --model')
    .option('--json', 'print {"prompt_ids", "output_ids", "text"}')
    .action(async (options: GenerateCommandOptions & AdapterOption) =>
      setExitCode(await withAdapter(options, io, (o) => generateCommand(o, io))),
    );

  program
    .command('inspect')
    .description('show a model: architecture, parameter count, module list, device')
    .requiredOption('--model <dir>', MODEL_HELP)
    .option('--download', DOWNLOAD_HELP)
    .addOption(
      new Option(
        '--engine <engine>',
        'engine whose device is shown; onnx also reads a folder holding only an ONNX model',
      )
        .choices(['tfjs', 'onnx'])
        .default('tfjs'),
    )
    .option('--device <device>', 'engine device preference')
    .option('--json', 'print as JSON')
    .action(async (options: InspectOptions) => setExitCode(await inspectCommand(options, io)));

  program
    .command('bench')
    .description(
      'measure training (every engine that trains), forward and generation throughput on the reference shape or --shape',
    )
    .option('--json', 'print the report as one JSON object')
    .option(
      '--compare',
      'also run the PyTorch peer (tools/bench/pytorch_peer.py; $MLLR_PYTHON or /usr/bin/python3) and print each ratio mllr/PyTorch',
    )
    .option('--repeats <n>', 'timed runs per measurement; each result is their median', positiveInt('--repeats'), 5)
    .option('--warmup <n>', 'untimed runs before the timed ones', wholeNumber('--warmup'), 1)
    .option('--engines <list>', 'comma-separated engines to measure', 'tfjs,onnx')
    .option('--run <dir>', 'run folder whose stage timings to show (default: the newest finished run under runs/)')
    .option('--model <dir>', MODEL_HELP, 'tiny-chat')
    .option('--download', DOWNLOAD_HELP)
    .option('--device <device>', 'tfjs device (auto, tfjs-node-gpu, tfjs-node, wasm, cpu)')
    .option(
      '--threads <n>',
      'CPU threads of ONNX Runtime and of the PyTorch peer (default: 1 and every core, the faster kept)',
      positiveInt('--threads'),
    )
    .option(
      '--shape <BxT>',
      'batch × sequence of the training step and the forward, for example 4x256 (default 16x128)',
    )
    .action(async (options: BenchCommandOptions) => setExitCode(await benchCommand(options, io)));

  program
    .command('export-plan')
    .description('export the learning-rate plan a run trained with (its recorded parameter groups) for Python trainers')
    .requiredOption('--run <dir>', 'a finished run folder')
    .addOption(
      new Option(
        '--format <format>',
        'axolotl: a YAML config fragment with lr_groups; torch: optimizer param groups as JSON',
      )
        .choices(['axolotl', 'torch'])
        .makeOptionMandatory(),
    )
    .option('--out <file>', 'write to this file (atomically) instead of stdout')
    .option(
      '--strategy <id>',
      'the fine-tuning run to export: a strategy id, or a run id such as ml-lr#2 (default: ml-lr)',
    )
    .action(async (options: ExportPlanOptions) => setExitCode(await exportPlanCommand(options, io)));

  program
    .command('finetune')
    .description(
      'fine-tune one model (or a LoRA adapter on it) on a data file, every tensor at --lr or by a plan from export-plan --format torch',
    )
    .requiredOption('--model <dir>', MODEL_HELP)
    .option('--download', DOWNLOAD_HELP)
    .requiredOption(
      '--data <file>',
      'training data: a dataset file (CSV, JSON, JSONL; chat conversations train on every assistant turn) or pre-tokenized JSON Lines {"ids": [...], "prompt_length": n}',
    )
    .requiredOption(
      '--out <dir>',
      'folder for the fine-tuned model (Hugging Face layout) and finetune.json; must be absent or empty',
    )
    .option(
      '--preset <name>',
      'layout of a dataset file, as a run config names it (alpaca, gsm8k, advbench, messages, sharegpt, …); default: messages or sharegpt for a file of chat conversations, else generic prompt/response columns',
    )
    .option(
      '--plan <file>',
      'learning-rate plan (JSON from mllr export-plan --format torch) naming every tensor of the model',
    )
    .option('--steps <n>', 'optimizer steps (default: training.steps of the default config)', positiveInt('--steps'))
    .option('--batch-size <n>', 'examples per optimizer step', positiveInt('--batch-size'))
    .option(
      '--gradient-accumulation <n>',
      "micro-batches each step's examples are split into (gradients summed; less memory)",
      positiveInt('--gradient-accumulation'),
    )
    .option('--lr <lr>', 'learning rate of every tensor (without --plan)', positiveNumber('--lr'))
    .option('--max-grad-norm <x>', 'global gradient-norm clip; 0 disables it', nonNegative('--max-grad-norm'))
    .option(
      '--weight-decay <w>',
      'AdamW weight decay (without --plan, or for plan groups that give none)',
      nonNegative('--weight-decay'),
    )
    .option('--no-shuffle', 'train on the examples in file order instead of a seeded shuffle')
    .addOption(
      new Option('--engine <engine>', 'training engine (default: engine.training of the default config)').choices([
        'tfjs',
        'onnx',
      ]),
    )
    .option('--seed <n>', "seed of the data order (and of a fresh LoRA adapter's A)", wholeNumber('--seed'))
    .option(
      '--lora-r <r>',
      'train a LoRA adapter of rank r (W frozen) and write --out/adapter (PEFT) and --out/merged instead of the model',
      positiveInt('--lora-r'),
    )
    .option(
      '--lora-alpha <a>',
      'LoRA alpha: the adapter is scaled by alpha/r (default 16)',
      positiveNumber('--lora-alpha'),
    )
    .option(
      '--lora-targets <types>',
      'module types that get an adapter, comma-separated from q,k,v,o,gate,up,down (default: all seven)',
    )
    .option('--lora-rslora', 'scale the adapter by alpha/√r (rank-stabilised LoRA)')
    .option(
      '--adapter-init <dir>',
      'start from this PEFT LoRA adapter folder (adapter_config.json + adapter_model.safetensors) instead of a fresh one',
    )
    .option('--force', 'replace an earlier result in --out')
    .option('--json', 'print one {"step", "loss", "grad_norm", "tokens"} line per step and a final {"out", …} line')
    .action(async (options: FinetuneCommandOptions) => setExitCode(await finetuneCommand(options, io)));

  return program;
}

/** Runs the `mllr` command line; returns the exit code instead of exiting, so it can be tested in-process. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT_CODES.ok;
  const program = buildProgram(io, (code) => (exitCode = code));
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT_CODES.input;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end parsing through the same path as mistakes.
      return error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
        ? EXIT_CODES.ok
        : EXIT_CODES.input;
    }
    const mllrError = toMllrError(error);
    io.stderr.write(`mllr: ${new SecretRedactor().text(mllrError.describe())}\n`);
    if (!(error instanceof MllrError)) {
      io.stderr.write('mllr: this is a bug in mllr; please report it with the command you ran.\n');
      if (process.env.MLLR_DEBUG) io.stderr.write(`${(error as Error).stack ?? ''}\n`);
    }
    return mllrError.exitCode;
  }
}

/** The package version, shown by `mllr --version`. */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
