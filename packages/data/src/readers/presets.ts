import type { DatasetSource } from '@mllr/core';
import type { ConversationLayout } from './conversation.js';
import { dataError } from './data-error.js';

/** The file formats the readers understand, by extension (without the dot). */
export type DataFormat = 'csv' | 'json' | 'jsonl';

/** Which record key feeds each sample field; an empty string turns an optional field off. */
export interface FieldMapping {
  /** The instruction (required, non-empty); unused by chat presets, whose prompt is the first user turn. */
  prompt: string;
  /** Extra context appended to the prompt after a blank line when non-empty (Alpaca's `input`). */
  input?: string;
  /** The reply to train on (required whenever mapped; may be an empty string). */
  response?: string;
  /** A per-record label; when the record has none, the preset's fixed label (if any) is used. */
  label?: string;
  /** Chat presets: the list of turns (`messages`, `conversations`). */
  messages?: string;
}

/** A named mapping for a known dataset layout. */
export interface DatasetPreset {
  /** What the preset is for, for docs and `--help`. */
  description: string;
  /** The format assumed when the file's extension says nothing. */
  format?: DataFormat;
  fields: FieldMapping;
  /** A label given to every sample that carries none of its own. */
  label?: string;
  /** When set, `answer` is the response text after the last occurrence of this marker. */
  answerMarker?: string;
  /** Chat presets: each record is a conversation under `fields.messages`, its turns spelled this way. */
  conversation?: ConversationLayout;
}

const INSTRUCTION_FIELDS: FieldMapping = { prompt: 'instruction', input: 'input', response: 'output' };

/** The built-in presets, one per dataset layout in shared/data (see SOURCES.md) plus the generic one. */
export const DATASET_PRESETS = {
  advbench: {
    description: 'AdvBench harmful behaviors (CSV): goal → prompt, target → response, every sample labelled harmful',
    format: 'csv',
    fields: { prompt: 'goal', response: 'target' },
    label: 'harmful',
  },
  alpaca: {
    description: 'Stanford Alpaca (JSON array): instruction + input → prompt, output → response',
    format: 'json',
    fields: INSTRUCTION_FIELDS,
  },
  'code-alpaca': {
    description: 'Code Alpaca (JSON array): instruction + input → prompt, output → response',
    format: 'json',
    fields: INSTRUCTION_FIELDS,
  },
  gsm8k: {
    description: 'GSM8K (JSONL): question → prompt, answer → response; the number after "####" → answer',
    format: 'jsonl',
    fields: { prompt: 'question', response: 'answer' },
    answerMarker: '####',
  },
  'safety-tuned-llamas': {
    description:
      'Safety-Tuned LLaMAs safety data (JSON array): instruction + input → prompt, output → response, labelled harmful',
    format: 'json',
    fields: INSTRUCTION_FIELDS,
    label: 'harmful',
  },
  messages: {
    description:
      'Chat conversations, OpenAI/TRL style (JSONL): messages: [{role: system|user|assistant, content}]; every assistant turn is trained on, ' +
      'the first user turn is the prompt',
    format: 'jsonl',
    fields: { prompt: '', messages: 'messages', label: 'label' },
    conversation: {
      role: 'role',
      content: 'content',
      roles: { system: 'system', user: 'user', assistant: 'assistant' },
    },
  },
  sharegpt: {
    description:
      'ShareGPT conversations (JSON array): conversations: [{from: system|human|gpt, value}], human → user, gpt → assistant; every ' +
      'assistant turn is trained on, the first user turn is the prompt',
    format: 'json',
    fields: { prompt: '', messages: 'conversations', label: 'label' },
    conversation: { role: 'from', content: 'value', roles: { system: 'system', human: 'user', gpt: 'assistant' } },
  },
  generic: {
    description: 'Any format: prompt (+ optional input) → prompt, response → response, optional label',
    fields: { prompt: 'prompt', input: 'input', response: 'response', label: 'label' },
  },
} as const satisfies Record<string, DatasetPreset>;

/** The name of a built-in preset. */
export type PresetName = keyof typeof DATASET_PRESETS;

/** Every preset name, in documentation order. */
export const PRESET_NAMES = Object.keys(DATASET_PRESETS) as PresetName[];

/** A preset with the source's own `fields` laid over its mapping: what a reader actually applies. */
export interface ResolvedMapping {
  fields: FieldMapping;
  label?: string;
  answerMarker?: string;
  format?: DataFormat;
  /** Chat presets: how turns are spelled; the list of turns is under `fields.messages`. */
  conversation?: ConversationLayout;
}

/** The preset a source names (`generic` when it names none); an unknown name is DATA_INVALID listing the known ones. */
export function presetFor(source: DatasetSource): DatasetPreset {
  const name = source.preset ?? 'generic';
  if (!Object.hasOwn(DATASET_PRESETS, name)) {
    throw dataError(source.path, `unknown preset "${name}"; known presets: ${PRESET_NAMES.join(', ')}`);
  }
  return DATASET_PRESETS[name as PresetName];
}

/**
 * The field mapping for a source: its preset's, with the source's `fields` overriding key by key. A chat preset takes
 * `messages` and `label` only (its prompt and response come from the turns); other presets take all but `messages`.
 */
export function resolveMapping(source: DatasetSource): ResolvedMapping {
  const preset: DatasetPreset = presetFor(source);
  const overrides = Object.fromEntries(Object.entries(source.fields ?? {}).filter(([, key]) => key !== undefined));
  const fields: FieldMapping = { ...preset.fields, ...overrides };
  const name = source.preset ?? 'generic';
  if (preset.conversation) {
    const wrong = Object.keys(overrides).filter((key) => key !== 'messages' && key !== 'label');
    if (wrong.length > 0) {
      throw dataError(
        source.path,
        `fields.${wrong[0]} does not apply to the ${name} preset, whose prompt and responses are its turns; it takes fields.messages and fields.label`,
      );
    }
    if (!fields.messages)
      throw dataError(
        source.path,
        `fields.messages cannot be empty: the ${name} preset reads each record's turns from it`,
      );
  } else {
    if (overrides['messages'] !== undefined)
      throw dataError(
        source.path,
        `fields.messages applies to the chat presets (messages, sharegpt) only, not to ${name}`,
      );
    if (fields.prompt === '')
      throw dataError(source.path, 'fields.prompt cannot be empty: every sample needs a prompt');
  }
  return {
    fields,
    ...('label' in preset ? { label: preset.label } : {}),
    ...('answerMarker' in preset ? { answerMarker: preset.answerMarker } : {}),
    ...('format' in preset ? { format: preset.format } : {}),
    ...(preset.conversation ? { conversation: preset.conversation } : {}),
  };
}
