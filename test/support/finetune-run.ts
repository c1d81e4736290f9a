import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { referenceFolders, runMllr } from '../mllr-cli.js';
import { FIXTURES_DIR, fixtureDir } from './fixture-references.js';

// `mllr finetune --json` runs, and the PyTorch fine-tuning references they are held to
// (tools/fixtures/make_finetune_reference.py), shared by the parity tests of full and LoRA fine-tuning.

/** One step line of `mllr finetune --json`. */
export interface FinetuneStepLine {
  step: number;
  loss: number;
  grad_norm: number;
  tokens: number;
}

/** Runs `mllr …argv` (a `finetune … --json`) expecting a clean exit: its step lines, and its final line. */
export async function runFinetuneJson(
  argv: string[],
): Promise<{ steps: FinetuneStepLine[]; final: Record<string, unknown> }> {
  const result = await runMllr(argv);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const lines = result.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { steps: lines.slice(0, -1) as unknown as FinetuneStepLine[], final: lines.at(-1)! };
}

/** A reference's optimizer settings, under the names make_finetune_reference.py writes. */
export interface FinetuneReferenceSettings {
  learning_rate: number;
  max_grad_norm: number;
  weight_decay: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  batch_size: number;
  gradient_accumulation: number;
  steps: number;
}

/** What PyTorch recorded of one optimizer step. */
export interface FinetuneReferenceStep {
  step: number;
  loss: number;
  /** Before clipping. */
  grad_norm: number;
  clipped: boolean;
  tokens: number;
}

/** A fine-tuning reference file: the records' file, the settings and PyTorch's steps (the LoRA one has more). */
export interface FinetuneReference {
  data: string;
  settings: FinetuneReferenceSettings;
  steps: FinetuneReferenceStep[];
}

/** The fixture checkpoints that have the given reference file, sorted (empty when the fixtures are absent). */
export function finetuneReferenceFixtures(file: string): string[] {
  return referenceFolders(FIXTURES_DIR).filter((name) => existsSync(join(FIXTURES_DIR, name, file)));
}

/** A fixture's reference file, parsed. */
export function readFinetuneReference<T extends FinetuneReference = FinetuneReference>(name: string, file: string): T {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, name, file), 'utf8')) as T;
}

/**
 * `mllr finetune --engine E --no-shuffle --json` on a fixture checkpoint with the reference's records, steps, batches
 * and optimizer settings, writing to `out`.
 */
export function referenceFinetuneArgs(
  engine: string,
  name: string,
  reference: FinetuneReference,
  out: string,
): string[] {
  const folder = fixtureDir(name);
  const { settings } = reference;
  return [
    'finetune',
    '--engine',
    engine,
    '--no-shuffle',
    '--json',
    '--model',
    folder,
    '--data',
    join(folder, reference.data),
    '--out',
    out,
    '--steps',
    String(settings.steps),
    '--batch-size',
    String(settings.batch_size),
    '--gradient-accumulation',
    String(settings.gradient_accumulation),
    '--lr',
    String(settings.learning_rate),
    '--max-grad-norm',
    String(settings.max_grad_norm),
    '--weight-decay',
    String(settings.weight_decay),
  ];
}

/** The largest loss error (absolute) and gradient-norm error (relative to PyTorch's) of mllr's steps, step by step. */
export function stepErrors(
  steps: FinetuneStepLine[],
  expected: FinetuneReferenceStep[],
): { loss: number; gradNorm: number } {
  return {
    loss: Math.max(...steps.map((s, i) => Math.abs(s.loss - expected[i]!.loss))),
    gradNorm: Math.max(...steps.map((s, i) => Math.abs(s.grad_norm - expected[i]!.grad_norm) / expected[i]!.grad_norm)),
  };
}
