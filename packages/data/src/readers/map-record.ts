import { conversationToSample } from './conversation.js';
import { describeType, recordError } from './data-error.js';
import type { ResolvedMapping } from './presets.js';
import type { RawRecord, ReadSample } from './read-sample.js';

/**
 * Turns one record into a sample. The prompt is the prompt field, followed by a blank line and the input field when
 * that is non-empty (the Alpaca convention). Required fields that are missing or not strings are DATA_INVALID naming
 * the field, its role and the fields the record does have, so a wrong mapping is obvious from the message. Every
 * error here is about this record alone (an InvalidRecordError with its reason), so a reader may skip it.
 */
export function recordToSample(record: RawRecord, mapping: ResolvedMapping): ReadSample {
  const { value, where } = record;
  if (record.invalid) throw recordError(where, record.invalid.reason, record.invalid.message);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw recordError(where, 'wrong_type', `expected a record (an object with fields), found ${describeType(value)}`);
  }
  const fields = value as Record<string, unknown>;
  const { prompt: promptKey, input: inputKey, response: responseKey, label: labelKey } = mapping.fields;
  if (mapping.conversation) {
    const sample = conversationToSample(fields, mapping.fields.messages!, mapping.conversation, where);
    const label = optionalString(fields, labelKey, 'label', where) ?? mapping.label;
    if (label !== undefined) sample.label = label;
    return sample;
  }

  const instruction = requiredString(fields, promptKey, 'prompt', where);
  if (instruction.trim() === '') throw recordError(where, 'empty_prompt', `field "${promptKey}" (the prompt) is empty`);
  const input = optionalString(fields, inputKey, 'input', where);
  const sample: ReadSample = {
    prompt: input === undefined ? instruction : `${instruction}\n\n${input}`,
    source: where,
  };

  if (responseKey) {
    sample.response = requiredString(fields, responseKey, 'response', where);
    if (mapping.answerMarker !== undefined)
      sample.answer = finalAnswer(sample.response, mapping.answerMarker, responseKey, where);
  }
  const label = optionalString(fields, labelKey, 'label', where) ?? mapping.label;
  if (label !== undefined) sample.label = label;
  return sample;
}

function requiredString(fields: Record<string, unknown>, key: string, role: string, where: string): string {
  if (!Object.hasOwn(fields, key) || fields[key] === undefined) {
    const present = Object.keys(fields);
    const has = present.length === 0 ? 'the record has no fields' : `the record has: ${present.join(', ')}`;
    throw recordError(where, 'missing_field', `missing field "${key}" (the ${role}); ${has}${chatHint(fields)}`);
  }
  const value = fields[key];
  if (typeof value !== 'string')
    throw recordError(
      where,
      'wrong_type',
      `field "${key}" (the ${role}) must be a string, found ${describeType(value)}`,
    );
  return value;
}

/** A pointer to the chat presets when a record looks like a conversation (the usual cause of a missing prompt). */
function chatHint(fields: Record<string, unknown>): string {
  if (Array.isArray(fields['messages'])) return ' (a chat conversation: use the messages preset)';
  if (Array.isArray(fields['conversations'])) return ' (a ShareGPT conversation: use the sharegpt preset)';
  return '';
}

/** An optional field: absent, null or blank means "none"; anything else must be a string. */
function optionalString(
  fields: Record<string, unknown>,
  key: string | undefined,
  role: string,
  where: string,
): string | undefined {
  if (!key || !Object.hasOwn(fields, key)) return undefined;
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw recordError(
      where,
      'wrong_type',
      `field "${key}" (the ${role}) must be a string, found ${describeType(value)}`,
    );
  return value.trim() === '' ? undefined : value;
}

/** The text after the last `marker`, trimmed, without thousands separators (GSM8K writes `#### 1,080`). */
function finalAnswer(response: string, marker: string, key: string, where: string): string {
  const at = response.lastIndexOf(marker);
  const answer =
    at < 0
      ? ''
      : response
          .slice(at + marker.length)
          .trim()
          .replace(/(\d),(?=\d{3}(?!\d))/g, '$1');
  if (answer === '') throw recordError(where, 'no_answer', `field "${key}" has no final answer after "${marker}"`);
  return answer;
}
