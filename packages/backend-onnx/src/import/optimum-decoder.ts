import { MllrError, type ModelArchitecture } from '@mllr/core';
import { loadModelConfig } from '@mllr/model';
import { USE_CACHE_BRANCH, type DecoderInputs } from '../engine/decoder-runner.js';
import { IO_NAMES } from '../export/decoder-graph.js';
import { ElemType, type OnnxTypes } from '../export/onnx-proto.js';
import { initializerStats } from './onnx-model-file.js';

/** A decoder graph in Hugging Face Optimum's convention, checked against the folder's config.json. */
export interface OptimumDecoderInfo {
  dir: string;
  modelFile: string;
  architecture: ModelArchitecture;
  inputs: DecoderInputs;
  /** Initializers in the graph and the values they hold (an exporter may store a tied head twice). */
  initializers: { tensors: number; values: number };
}

/**
 * Checks that `model` (read from `modelFile`) is a decoder with past key/values as `optimum-cli export onnx --task
 * text-generation-with-past` writes it, for the architecture in `dir/config.json`:
 *
 * - inputs `input_ids` and `attention_mask` (int64), optionally `position_ids` (int64) and, in a merged decoder,
 *   `use_cache_branch` (bool), and for every layer i `past_key_values.<i>.key/.value` (float32, [batch, kv_heads,
 *   past_sequence, head_dim]); nothing else;
 * - outputs `logits` (float32, [batch, sequence, vocab]) and `present.<i>.key/.value`.
 *
 * Anything else is CHECKPOINT_INVALID (CHECKPOINT_UNSUPPORTED for float16) naming the file and what is wrong.
 */
export async function readOptimumDecoder(
  dir: string,
  modelFile: string,
  model: OnnxTypes.ModelProto,
): Promise<OptimumDecoderInfo> {
  const architecture = await loadModelConfig(dir);
  const graph = model.graph!;
  const inputs = new Map((graph.input ?? []).map((v) => [v.name ?? '', v] as const));
  const outputs = new Map((graph.output ?? []).map((v) => [v.name ?? '', v] as const));
  const problem = (what: string) =>
    new MllrError(
      'CHECKPOINT_INVALID',
      `${modelFile}: not a decoder with past key/values in Hugging Face Optimum's convention (optimum-cli export onnx --task text-generation-with-past): ${what}; ` +
        `its inputs are ${[...inputs.keys()].join(', ')} and its outputs ${[...outputs.keys()].join(', ')}`,
    );

  const { numLayers, numKvHeads, headDim, vocabSize } = architecture;
  const expectedInputs: string[] = [IO_NAMES.inputIds, IO_NAMES.attentionMask];
  const expectedOutputs: string[] = [IO_NAMES.logits];
  for (let l = 0; l < numLayers; l++) {
    expectedInputs.push(IO_NAMES.pastKey(l), IO_NAMES.pastValue(l));
    expectedOutputs.push(IO_NAMES.presentKey(l), IO_NAMES.presentValue(l));
  }
  for (const name of expectedInputs)
    if (!inputs.has(name)) throw problem(`input ${name} is missing (config.json gives ${numLayers} layers)`);
  for (const name of expectedOutputs)
    if (!outputs.has(name)) throw problem(`output ${name} is missing (config.json gives ${numLayers} layers)`);
  const allowed = new Set<string>([...expectedInputs, IO_NAMES.positionIds, USE_CACHE_BRANCH]);
  const extra = [...inputs.keys()].filter((name) => !allowed.has(name));
  if (extra.length > 0) throw problem(`mllr does not know what to feed input ${extra.join(', ')}`);

  const float = (name: string, info: OnnxTypes.IValueInfoProto) => {
    const type = info.type?.tensorType?.elemType;
    if (type === ElemType.FLOAT) return;
    if (type === FLOAT16)
      throw new MllrError(
        'CHECKPOINT_UNSUPPORTED',
        `${modelFile}: ${name} is float16; mllr runs float32 ONNX decoders only (export without --fp16)`,
      );
    throw problem(`${name} has element type ${type}, not float32`);
  };
  for (const name of [IO_NAMES.inputIds, IO_NAMES.attentionMask, IO_NAMES.positionIds]) {
    const info = inputs.get(name);
    if (info && info.type?.tensorType?.elemType !== ElemType.INT64)
      throw problem(`${name} has element type ${info.type?.tensorType?.elemType}, not int64`);
  }
  const branch = inputs.get(USE_CACHE_BRANCH);
  if (branch && branch.type?.tensorType?.elemType !== ElemType.BOOL)
    throw problem(`${USE_CACHE_BRANCH} has element type ${branch.type?.tensorType?.elemType}, not bool`);
  float(IO_NAMES.logits, outputs.get(IO_NAMES.logits)!);
  checkDims(IO_NAMES.logits, outputs.get(IO_NAMES.logits)!, [undefined, undefined, vocabSize], 'vocab_size', problem);
  for (let l = 0; l < numLayers; l++) {
    for (const name of [IO_NAMES.pastKey(l), IO_NAMES.pastValue(l)]) {
      float(name, inputs.get(name)!);
      checkDims(
        name,
        inputs.get(name)!,
        [undefined, numKvHeads, undefined, headDim],
        'num_key_value_heads and head_dim',
        problem,
      );
    }
  }
  return {
    dir,
    modelFile,
    architecture,
    inputs: { positionIds: inputs.has(IO_NAMES.positionIds), useCacheBranch: inputs.has(USE_CACHE_BRANCH) },
    initializers: initializerStats(model),
  };
}

/** TensorProto.DataType FLOAT16. */
const FLOAT16 = 10;

/** A tensor's rank and its fixed dims must be what config.json implies (symbolic dims pass). */
function checkDims(
  name: string,
  info: OnnxTypes.IValueInfoProto,
  expected: ReadonlyArray<number | undefined>,
  fields: string,
  problem: (what: string) => MllrError,
): void {
  const dims = info.type?.tensorType?.shape?.dim;
  if (!dims) return; // no shape recorded: ONNX Runtime checks at run time
  const shown = dims.map((d) => (d.dimParam ? d.dimParam : String(d.dimValue ?? '?')));
  if (dims.length !== expected.length)
    throw problem(`${name} has shape [${shown.join(', ')}], not rank ${expected.length}`);
  dims.forEach((d, i) => {
    const want = expected[i];
    const value = d.dimValue === undefined || d.dimValue === null ? undefined : Number(d.dimValue);
    if (want !== undefined && !d.dimParam && value !== undefined && value !== 0 && value !== want) {
      throw problem(`${name} has shape [${shown.join(', ')}] but config.json (${fields}) implies ${want} at axis ${i}`);
    }
  });
}
