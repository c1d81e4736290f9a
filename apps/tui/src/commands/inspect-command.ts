import { MODULE_TYPES } from '@mllr/core';
import { loadCheckpoint } from '@mllr/model';
import { loadEngineProvider, resolveModelDir } from '@mllr/pipeline';
import type { CliIo } from '../cli-io.js';

/** Options of `mllr inspect`. */
export interface InspectOptions {
  model: string;
  json?: boolean;
  engine?: string;
  device?: string;
}

/** `mllr inspect`: architecture, parameter count, module list and the device the engine would use. */
export async function inspectCommand(options: InspectOptions, io: CliIo): Promise<number> {
  const checkpoint = await loadCheckpoint(resolveModelDir(options.model));
  const arch = checkpoint.architecture;
  let parameters = 0;
  for (const t of checkpoint.tensors.values()) parameters += t.data.length;
  const engineName = options.engine ?? 'tfjs';
  const provider = await loadEngineProvider({ name: engineName, options: {} });
  const device = await provider.device(options.device ? { device: options.device } : {});
  const modules = checkpoint.moduleMap.modules;

  if (options.json) {
    io.stdout.write(
      `${JSON.stringify({ model: checkpoint.dir, architecture: arch, parameters, tensors: checkpoint.tensors.size, modules, engine: engineName, device })}\n`,
    );
    return 0;
  }
  const yesNo = (b: boolean) => (b ? 'yes' : 'no');
  const lines = [
    `model        ${checkpoint.dir} (${arch.family})`,
    `shape        ${arch.numLayers} layers · hidden ${arch.hiddenSize} · ${arch.numHeads} heads (${arch.numKvHeads} key/value, head dim ${arch.headDim}) · MLP ${arch.intermediateSize} · vocab ${arch.vocabSize} · context ${arch.maxPositionEmbeddings}`,
    `details      rope θ ${arch.ropeTheta} · rms eps ${arch.rmsNormEps} · qkv bias ${yesNo(arch.qkvBias)} · tied embeddings ${yesNo(arch.tieWordEmbeddings)} · bos ${arch.bosTokenId ?? '-'} · eos ${arch.eosTokenIds.join(',') || '-'}`,
    `parameters   ${parameters.toLocaleString('en-US')} in ${checkpoint.tensors.size} tensors`,
    `modules      ${modules.length} (${MODULE_TYPES.join(' ')} × ${arch.numLayers} layers), ids L<layer>.<type>:`,
    ...Array.from({ length: arch.numLayers }, (_, l) => `  L${l}  ${modules.filter((m) => m.startsWith(`L${l}.`)).join(' ')}`),
    `device       ${engineName}: ${device}`,
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
