import type { DatasetSource } from '@mllr/core';
import { dataError } from './data-error.js';
import { chatPresetFor, firstRecord } from './first-record.js';

/** Columns that hold the prompt in a file of prompts, in the order they are looked for (case-insensitive). */
export const PROMPT_COLUMNS = ['prompt', 'goal', 'instruction'] as const;

/**
 * A dataset source for a plain file of prompts (CSV with a header, a JSON array of records, or JSON Lines) whose
 * prompt column is found by name: the first of {@link PROMPT_COLUMNS} the first record has (AdvBench's `goal`,
 * Alpaca's `instruction` with its `input`). Responses and labels in the file are ignored. A file of chat
 * conversations (a `messages` or ShareGPT `conversations` list) is read with its chat preset: each prompt is the
 * conversation's first user turn. A missing or unreadable file, an unsupported extension or a record without any of
 * those columns is DATA_INVALID naming the file.
 */
export async function promptFileSource(path: string): Promise<DatasetSource> {
  const value = await firstRecord(path);
  const chat = chatPresetFor(value);
  if (chat) return { path, preset: chat, fields: { label: '' } };
  const keys = Object.keys(value);
  const prompt = PROMPT_COLUMNS.map((column) => keys.find((k) => k.toLowerCase() === column)).find(
    (k) => k !== undefined,
  );
  if (prompt === undefined) {
    const has = keys.length === 0 ? 'none' : keys.join(', ');
    throw dataError(path, `no prompt column: expected one of ${PROMPT_COLUMNS.join(', ')}; the file has: ${has}`);
  }
  const input = prompt.toLowerCase() === 'instruction' ? (keys.find((k) => k.toLowerCase() === 'input') ?? '') : '';
  return { path, preset: 'generic', fields: { prompt, input, response: '', label: '' } };
}
