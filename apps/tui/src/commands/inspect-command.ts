import { MODULE_TYPES, allModuleIds, type ModelArchitecture, type ModelFolderDescription, type RopeScaling } from '@mllr/core';
import { loadCheckpoint } from '@mllr/model';
import { hubRecord, loadEngineProvider } from '@mllr/pipeline';
import type { CliIo } from '../cli-io.js';
import { commandModel } from './model-option.js';
import { tokenizerLines, tokenizerSummary } from './inspect-tokenizer.js';

/** Options of `mllr inspect`. */
export interface InspectOptions {
  model: string;
  json?: boolean;
  engine?: string;
  device?: string;
  /** Download a Hub id the cache lacks. */
  download?: boolean;
}

/** What inspect shows of a model folder, whichever way it was read. */
interface ModelSummary {
  dir: string;
  architecture: ModelArchitecture;
  parameters: number;
  tensors: number;
  format: string;
  /** Set for a folder without a safetensors checkpoint that the engine described (an ONNX file). */
  described?: ModelFolderDescription;
}

/**
 * `mllr inspect`: architecture, parameter count, module list and the device the engine would use. A folder with a
 * safetensors checkpoint is loaded as one; a folder the engine reads otherwise (an ONNX file, for `--engine onnx`)
 * is described by the engine, without loading its weights.
 */
export async function inspectCommand(options: InspectOptions, io: CliIo): Promise<number> {
  const source = await commandModel(options.model, options.download, io);
  const dir = source.dir;
  const hub = hubRecord(source);
  const engineName = options.engine ?? 'tfjs';
  const provider = await loadEngineProvider({ name: engineName, options: {} });
  const described = await provider.describe?.(dir);
  const model = described ? fromDescription(dir, described) : await fromCheckpoint(dir);
  const device = await provider.device(options.device ? { device: options.device } : {});
  const arch = model.architecture;
  const modules = allModuleIds(arch.numLayers);
  const tokenizer = await tokenizerSummary(dir);

  if (options.json) {
    const onnx = described ? { file: described.file, stored_values: described.storedValues, hidden_states: described.hiddenStates } : {};
    io.stdout.write(
      `${JSON.stringify({ model: model.dir, ...(hub ? { hub } : {}), architecture: arch, parameters: model.parameters, tensors: model.tensors, modules, tokenizer, engine: engineName, device, format: model.format, ...onnx })}\n`,
    );
    return 0;
  }
  const yesNo = (b: boolean) => (b ? 'yes' : 'no');
  const lines = [
    `model        ${model.dir} (${arch.family})`,
    ...(hub ? [`hub id       ${hub.id} → commit ${hub.commit}, from the Hugging Face cache`] : []),
    `format       ${model.format}${described ? ` (${described.file}: ${described.storedValues.toLocaleString('en-US')} values in ${described.storedTensors} initializers)` : ''}`,
    `shape        ${arch.numLayers} layers · hidden ${arch.hiddenSize} · ${arch.numHeads} heads (${arch.numKvHeads} key/value, head dim ${arch.headDim}) · MLP ${arch.intermediateSize} · vocab ${arch.vocabSize} · context ${arch.maxPositionEmbeddings}`,
    `details      rope θ ${arch.ropeTheta} · rms eps ${arch.rmsNormEps} · qkv bias ${yesNo(arch.qkvBias)} · tied embeddings ${yesNo(arch.tieWordEmbeddings)} · bos ${arch.bosTokenId ?? '-'} · eos ${arch.eosTokenIds.join(',') || '-'}`,
    `rope scaling ${ropeScalingText(arch.ropeScaling)}`,
    ...tokenizerLines(tokenizer),
    `parameters   ${model.parameters.toLocaleString('en-US')}${described ? ' (from config.json)' : ` in ${model.tensors} tensors`}`,
    ...(described && !described.hiddenStates
      ? ['limits       no per-layer hidden-state outputs: generation and evaluation only; the probe, robustness, search and fine-tuning stages need a safetensors checkpoint']
      : []),
    `modules      ${modules.length} (${MODULE_TYPES.join(' ')} × ${arch.numLayers} layers), ids L<layer>.<type>:`,
    ...Array.from({ length: arch.numLayers }, (_, l) => `  L${l}  ${modules.filter((m) => m.startsWith(`L${l}.`)).join(' ')}`),
    `device       ${engineName}: ${device}`,
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

async function fromCheckpoint(dir: string): Promise<ModelSummary> {
  const checkpoint = await loadCheckpoint(dir);
  let parameters = 0;
  for (const t of checkpoint.tensors.values()) parameters += t.data.length;
  return { dir: checkpoint.dir, architecture: checkpoint.architecture, parameters, tensors: checkpoint.tensors.size, format: 'safetensors' };
}

function fromDescription(dir: string, described: ModelFolderDescription): ModelSummary {
  return { dir, architecture: described.architecture, parameters: described.parameters, tensors: described.storedTensors, format: described.format, described };
}

/** config.json's rope_scaling in its own terms, as a reader of the model card would look for it. */
function ropeScalingText(scaling: RopeScaling | undefined): string {
  if (!scaling) return 'none (plain RoPE)';
  if (scaling.kind === 'linear') return `linear · factor ${scaling.factor}`;
  return `llama3 · factor ${scaling.factor} · low_freq_factor ${scaling.lowFreqFactor} · high_freq_factor ${scaling.highFreqFactor} · original context ${scaling.originalMaxPositionEmbeddings}`;
}
