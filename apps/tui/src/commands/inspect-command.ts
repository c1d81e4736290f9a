import { MODULE_TYPES, type RopeScaling } from '@mllr/core';
import { hubRecord, inspectModel } from '@mllr/pipeline';
import type { CliIo } from '../cli-io.js';
import { commandModel } from './model-option.js';
import { tokenizerLines } from './inspect-tokenizer.js';

/** Options of `mllr inspect`. */
export interface InspectOptions {
  model: string;
  json?: boolean;
  engine?: string;
  device?: string;
  /** Download a Hub id the cache lacks. */
  download?: boolean;
}

/**
 * `mllr inspect`: architecture, parameter count, module list and the device the engine would use, as text or JSON.
 * What it shows comes from the pipeline's inspectModel; this command resolves --model and formats.
 */
export async function inspectCommand(options: InspectOptions, io: CliIo): Promise<number> {
  const source = await commandModel(options.model, options.download, io);
  const hub = hubRecord(source);
  const model = await inspectModel({
    dir: source.dir,
    ...(options.engine !== undefined ? { engine: options.engine } : {}),
    ...(options.device ? { device: options.device } : {}),
  });
  const { described, modules, tokenizer, engine: engineName, device } = model;
  const arch = model.architecture;

  if (options.json) {
    const onnx = described
      ? { file: described.file, stored_values: described.storedValues, hidden_states: described.hiddenStates }
      : {};
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
      ? [
          'limits       no per-layer hidden-state outputs: generation and evaluation only; the probe, robustness, search and fine-tuning stages need a safetensors checkpoint',
        ]
      : []),
    `modules      ${modules.length} (${MODULE_TYPES.join(' ')} × ${arch.numLayers} layers), ids L<layer>.<type>:`,
    ...Array.from(
      { length: arch.numLayers },
      (_, l) => `  L${l}  ${modules.filter((m) => m.startsWith(`L${l}.`)).join(' ')}`,
    ),
    `device       ${engineName}: ${device}`,
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** config.json's rope_scaling in its own terms, as a reader of the model card would look for it. */
function ropeScalingText(scaling: RopeScaling | undefined): string {
  if (!scaling) return 'none (plain RoPE)';
  if (scaling.kind === 'linear') return `linear · factor ${scaling.factor}`;
  return `llama3 · factor ${scaling.factor} · low_freq_factor ${scaling.lowFreqFactor} · high_freq_factor ${scaling.highFreqFactor} · original context ${scaling.originalMaxPositionEmbeddings}`;
}
