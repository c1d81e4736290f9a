import type { ChatMessage } from '@mllr/core';
import { describeType, recordError } from './data-error.js';
import type { ReadSample } from './read-sample.js';

/** How a chat record spells its turns: the keys of a turn's speaker and text, and what each speaker name means. */
export interface ConversationLayout {
  /** The key of a turn's speaker (`role` in OpenAI/TRL messages, `from` in ShareGPT). */
  role: string;
  /** The key of a turn's text (`content`, `value`). */
  content: string;
  /** Speaker names as written in the file → chat roles; any other name is an `unknown_role` record. */
  roles: Readonly<Record<string, ChatMessage['role']>>;
}

/**
 * Turns one chat record into a sample: `turnsKey` holds a list of turns, each mapped to a {@link ChatMessage} by
 * `layout`. The sample keeps the conversation up to its last assistant turn in `messages` (later turns are never
 * trained on and, the loss being causal, change nothing), and, for the stages that take one prompt, the first user
 * turn as `prompt` and the first assistant turn after it (if any) as `response`. A conversation without an assistant
 * turn is still a sample (a file of prompts for evaluation); training refuses it (`no_assistant_turn`).
 *
 * Every problem is an InvalidRecordError, so `data.on_invalid: skip` skips and counts it: a missing or non-list
 * `turnsKey` (`missing_field`, `wrong_type`), no turns (`empty_conversation`), a turn that is not an object or whose
 * speaker or text is not a string (`wrong_type`, `missing_field`), a speaker outside `layout.roles`
 * (`unknown_role`), no user turn before the first assistant turn (`no_user_turn`), a blank user turn
 * (`empty_prompt`) or a blank assistant turn (`empty_response`: it would teach the model to say nothing).
 */
export function conversationToSample(
  fields: Record<string, unknown>,
  turnsKey: string,
  layout: ConversationLayout,
  where: string,
): ReadSample {
  if (!Object.hasOwn(fields, turnsKey) || fields[turnsKey] === undefined) {
    const present = Object.keys(fields);
    const has = present.length === 0 ? 'the record has no fields' : `the record has: ${present.join(', ')}`;
    throw recordError(where, 'missing_field', `missing field "${turnsKey}" (the conversation); ${has}`);
  }
  const turns = fields[turnsKey];
  if (!Array.isArray(turns))
    throw recordError(
      where,
      'wrong_type',
      `field "${turnsKey}" (the conversation) must be a list of turns, found ${describeType(turns)}`,
    );
  if (turns.length === 0)
    throw recordError(where, 'empty_conversation', `field "${turnsKey}" (the conversation) has no turns`);

  const messages = turns.map((turn, i) => toMessage(turn, layout, `${turnsKey}[${i}]`, where));
  const firstAssistant = messages.findIndex((m) => m.role === 'assistant');
  const firstUser = messages.findIndex((m) => m.role === 'user');
  if (firstUser < 0 || (firstAssistant >= 0 && firstAssistant < firstUser)) {
    throw recordError(
      where,
      'no_user_turn',
      `the conversation has no user turn before ${firstAssistant >= 0 ? 'its first assistant turn' : 'its end'}`,
    );
  }
  const lastAssistant = messages.findLastIndex((m) => m.role === 'assistant');
  const kept = lastAssistant < 0 ? messages : messages.slice(0, lastAssistant + 1);
  const reply = kept.slice(firstUser + 1).find((m) => m.role === 'assistant');
  const sample: ReadSample = { prompt: messages[firstUser]!.content, source: where, messages: kept };
  if (reply) sample.response = reply.content;
  return sample;
}

/** One turn as a message; `name` says which (`messages[2]`) in errors about the record at `where`. */
function toMessage(turn: unknown, layout: ConversationLayout, name: string, where: string): ChatMessage {
  if (typeof turn !== 'object' || turn === null || Array.isArray(turn)) {
    throw recordError(
      where,
      'wrong_type',
      `${name} must be a turn (an object with "${layout.role}" and "${layout.content}"), found ${describeType(turn)}`,
    );
  }
  const fields = turn as Record<string, unknown>;
  for (const key of [layout.role, layout.content]) {
    if (!Object.hasOwn(fields, key))
      throw recordError(
        where,
        'missing_field',
        `${name} has no "${key}"; it has: ${Object.keys(fields).join(', ') || 'no fields'}`,
      );
    if (typeof fields[key] !== 'string')
      throw recordError(where, 'wrong_type', `${name}.${key} must be a string, found ${describeType(fields[key])}`);
  }
  const speaker = fields[layout.role] as string;
  const content = fields[layout.content] as string;
  if (!Object.hasOwn(layout.roles, speaker)) {
    throw recordError(
      where,
      'unknown_role',
      `${name}.${layout.role} is "${speaker}"; known: ${Object.keys(layout.roles).join(', ')}`,
    );
  }
  const role = layout.roles[speaker]!;
  if (role === 'user' && content.trim() === '')
    throw recordError(where, 'empty_prompt', `${name} (a user turn) is empty`);
  if (role === 'assistant' && content.trim() === '')
    throw recordError(where, 'empty_response', `${name} (an assistant turn) is empty, so there is nothing to train on`);
  return { role, content };
}
