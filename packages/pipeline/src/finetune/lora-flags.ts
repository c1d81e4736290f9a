import { resolve } from 'node:path';
import {
  LoraAdapterSchema,
  MODULE_TYPES,
  MllrError,
  isModuleType,
  type LoraSettings,
  type ModelArchitecture,
  type ModuleType,
} from '@mllr/core';
import { readPeftAdapter } from '@mllr/model';

/** The LoRA flags of `mllr finetune`. */
export interface LoraFlags {
  /** `--lora-r`: train a LoRA adapter of this rank instead of the weights. */
  loraR?: number;
  /** `--lora-alpha` (default: training.adapter's default alpha, 16). */
  loraAlpha?: number;
  /** `--lora-targets q,k,v,o,gate,up,down` (default: all seven). */
  loraTargets?: string;
  /** `--lora-rslora`: scale by alpha/√r instead of alpha/r. */
  loraRslora?: boolean;
  /** `--adapter-init DIR`: start from this PEFT LoRA adapter (its r, alpha, targets and rslora unless flags say otherwise). */
  adapterInit?: string;
}

/** A LoRA fine-tuning run's adapter: settings, and the PEFT folder it starts from. */
export interface FinetuneLora {
  settings: LoraSettings;
  init?: string;
}

/**
 * The adapter a `mllr finetune` run trains, or undefined for full fine-tuning (no --lora-r and no --adapter-init).
 * With --adapter-init, the adapter's own settings are the defaults and a flag that contradicts them is an error;
 * without it, --lora-r is required and the rest default as `training.adapter` does.
 */
export async function finetuneLora(
  flags: LoraFlags,
  architecture: ModelArchitecture,
  cwd = process.cwd(),
): Promise<FinetuneLora | undefined> {
  const init = flags.adapterInit !== undefined ? resolve(cwd, flags.adapterInit) : undefined;
  if (init === undefined && flags.loraR === undefined) {
    const stray = (['--lora-alpha', '--lora-targets', '--lora-rslora'] as const).filter(
      (_, i) => [flags.loraAlpha, flags.loraTargets, flags.loraRslora][i] !== undefined,
    );
    if (stray.length > 0)
      throw new MllrError(
        'ARGUMENT_INVALID',
        `${stray.join(', ')} without --lora-r or --adapter-init: give the adapter's rank with --lora-r`,
      );
    return undefined;
  }
  const targets = flags.loraTargets !== undefined ? parseTargets(flags.loraTargets) : undefined;
  if (init !== undefined) {
    const adapter = await readPeftAdapter(init, architecture);
    const own = adapter.settings;
    const asked: Partial<LoraSettings> = {
      ...(flags.loraR !== undefined ? { r: flags.loraR } : {}),
      ...(flags.loraAlpha !== undefined ? { alpha: flags.loraAlpha } : {}),
      ...(targets !== undefined ? { targets } : {}),
      ...(flags.loraRslora !== undefined ? { rslora: flags.loraRslora } : {}),
    };
    const flagOf = {
      r: '--lora-r',
      alpha: '--lora-alpha',
      targets: '--lora-targets',
      rslora: '--lora-rslora',
    } as const;
    for (const key of ['r', 'alpha', 'targets', 'rslora'] as const) {
      const value = asked[key];
      if (value !== undefined && JSON.stringify(value) !== JSON.stringify(own[key])) {
        throw new MllrError(
          'ARGUMENT_INVALID',
          `${flagOf[key]} ${JSON.stringify(value)} contradicts --adapter-init ${init}, whose ${key} is ${JSON.stringify(own[key])}`,
        );
      }
    }
    // The adapter's lora_dropout is recorded by PEFT for its own training; mllr trains without dropout.
    return { settings: { ...own, dropout: 0 }, init };
  }
  const parsed = LoraAdapterSchema.safeParse({
    type: 'lora',
    r: flags.loraR,
    ...(flags.loraAlpha !== undefined ? { alpha: flags.loraAlpha } : {}),
    ...(targets !== undefined ? { targets } : {}),
    ...(flags.loraRslora !== undefined ? { rslora: flags.loraRslora } : {}),
  });
  if (!parsed.success)
    throw new MllrError(
      'ARGUMENT_INVALID',
      parsed.error.issues.map((i) => `--lora ${i.path.join('.')}: ${i.message}`).join('; '),
    );
  const { r, alpha, dropout, rslora } = parsed.data;
  return {
    settings: { r, alpha, dropout, targets: MODULE_TYPES.filter((t) => parsed.data.targets.includes(t)), rslora },
  };
}

/** `q,k,v` → module types in canonical order; an unknown or repeated one is an error naming the flag. */
function parseTargets(text: string): ModuleType[] {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const bad = parts.filter((p) => !isModuleType(p));
  if (parts.length === 0 || bad.length > 0) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `--lora-targets ${JSON.stringify(text)}: ${bad.length > 0 ? `unknown module type ${bad.join(', ')}` : 'empty'}; use a comma-separated list of ${MODULE_TYPES.join(', ')}`,
    );
  }
  if (new Set(parts).size !== parts.length)
    throw new MllrError('ARGUMENT_INVALID', `--lora-targets ${JSON.stringify(text)}: a module type is listed twice`);
  return MODULE_TYPES.filter((t) => parts.includes(t));
}
