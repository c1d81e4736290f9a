import type { InvalidRecord } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { promptFileSource } from './prompt-file.js';
import { readAll, readDataset } from './read-dataset.js';
import { tempFile } from './test-fixtures/files.js';

const jsonl = (...records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';
const turn = (role: string, content: string) => ({ role, content });

describe('the messages preset (OpenAI/TRL chat records)', () => {
  it('keeps the conversation up to its last assistant turn; the prompt is the first user turn, the response the reply to it', async () => {
    const file = tempFile(
      'chat.jsonl',
      jsonl(
        {
          messages: [
            turn('system', 'Be brief.'),
            turn('user', 'Hi'),
            turn('assistant', 'Hello!'),
            turn('user', 'Bread?'),
            turn('assistant', 'Knead it.'),
            turn('user', 'Thanks'),
          ],
        },
        { messages: [turn('user', 'Only a question')], label: 'benign' },
      ),
    );
    const samples = await readAll({ path: file, preset: 'messages' });
    expect(samples).toEqual([
      {
        prompt: 'Hi',
        response: 'Hello!',
        source: `${file}:1`,
        messages: [
          turn('system', 'Be brief.'),
          turn('user', 'Hi'),
          turn('assistant', 'Hello!'),
          turn('user', 'Bread?'),
          turn('assistant', 'Knead it.'),
        ],
      },
      // No assistant turn: still a prompt (for evaluation files); training refuses it.
      { prompt: 'Only a question', source: `${file}:2`, messages: [turn('user', 'Only a question')], label: 'benign' },
    ]);
  });

  it('reads the list of turns from fields.messages, and refuses fields that do not apply to a chat preset', async () => {
    const file = tempFile('chat.jsonl', jsonl({ conversation: [turn('user', 'Hi'), turn('assistant', 'Hello')] }));
    expect(await readAll({ path: file, preset: 'messages', fields: { messages: 'conversation' } })).toEqual([
      {
        prompt: 'Hi',
        response: 'Hello',
        source: `${file}:1`,
        messages: [turn('user', 'Hi'), turn('assistant', 'Hello')],
      },
    ]);
    expect(() => readDataset({ path: file, preset: 'messages', fields: { prompt: 'question' } })).toThrow(
      expect.objectContaining({
        code: 'DATA_INVALID',
        message: `${file}: fields.prompt does not apply to the messages preset, whose prompt and responses are its turns; it takes fields.messages and fields.label`,
      }),
    );
    expect(() => readDataset({ path: file, preset: 'messages', fields: { messages: '' } })).toThrow(
      /fields\.messages cannot be empty/,
    );
    expect(() => readDataset({ path: file, preset: 'alpaca', fields: { messages: 'conversation' } })).toThrow(
      /fields\.messages applies to the chat presets/,
    );
  });

  it('skips and counts bad records under onInvalid, each with its reason', async () => {
    const good = { messages: [turn('user', 'Hi'), turn('assistant', 'Hello')] };
    const bad: Array<[unknown, string, string]> = [
      [{ text: 'hi' }, 'missing_field', 'missing field "messages" (the conversation); the record has: text'],
      [{ messages: 'hi' }, 'wrong_type', 'field "messages" (the conversation) must be a list of turns, found string'],
      [{ messages: [] }, 'empty_conversation', 'field "messages" (the conversation) has no turns'],
      [
        { messages: ['hi'] },
        'wrong_type',
        'messages[0] must be a turn (an object with "role" and "content"), found string',
      ],
      [{ messages: [{ role: 'user' }] }, 'missing_field', 'messages[0] has no "content"; it has: role'],
      [
        { messages: [turn('user', 'Hi'), { role: 'assistant', content: 3 }] },
        'wrong_type',
        'messages[1].content must be a string, found number',
      ],
      [
        { messages: [turn('user', 'Hi'), turn('tool', '{}')] },
        'unknown_role',
        'messages[1].role is "tool"; known: system, user, assistant',
      ],
      [
        { messages: [turn('system', 'S'), turn('assistant', 'Hello')] },
        'no_user_turn',
        'the conversation has no user turn before its first assistant turn',
      ],
      [{ messages: [turn('system', 'S')] }, 'no_user_turn', 'the conversation has no user turn before its end'],
      [
        { messages: [turn('user', ' '), turn('assistant', 'Hello')] },
        'empty_prompt',
        'messages[0] (a user turn) is empty',
      ],
      [
        { messages: [turn('user', 'Hi'), turn('assistant', '')] },
        'empty_response',
        'messages[1] (an assistant turn) is empty, so there is nothing to train on',
      ],
    ];
    const file = tempFile('chat.jsonl', jsonl(good, ...bad.map(([record]) => record)));
    const skipped: InvalidRecord[] = [];
    const samples = await readAll({ path: file, preset: 'messages' }, { onInvalid: (r) => skipped.push(r) });
    expect(samples).toHaveLength(1);
    expect(skipped).toEqual(
      bad.map(([, reason, what], i) => ({ where: `${file}:${i + 2}`, reason, message: `${file}:${i + 2}: ${what}` })),
    );
    // Without onInvalid the first bad record is the error.
    await expect(readAll({ path: file, preset: 'messages' })).rejects.toThrow(`${file}:2: missing field "messages"`);
  });
});

describe('the sharegpt preset', () => {
  it('maps from/value, human → user and gpt → assistant, from a JSON array by default', async () => {
    const file = tempFile(
      'sharegpt',
      JSON.stringify([
        {
          conversations: [
            { from: 'system', value: 'Be kind.' },
            { from: 'human', value: 'Hi' },
            { from: 'gpt', value: 'Hello' },
            { from: 'human', value: 'Bye' },
            { from: 'gpt', value: 'Bye!' },
          ],
        },
        {
          conversations: [
            { from: 'human', value: 'Hi' },
            { from: 'bing', value: 'Hello' },
          ],
        },
      ]),
    );
    const skipped: InvalidRecord[] = [];
    expect(await readAll({ path: file, preset: 'sharegpt' }, { onInvalid: (r) => skipped.push(r) })).toEqual([
      {
        prompt: 'Hi',
        response: 'Hello',
        source: `${file}#0`,
        messages: [
          turn('system', 'Be kind.'),
          turn('user', 'Hi'),
          turn('assistant', 'Hello'),
          turn('user', 'Bye'),
          turn('assistant', 'Bye!'),
        ],
      },
    ]);
    expect(skipped).toEqual([
      {
        where: `${file}#1`,
        reason: 'unknown_role',
        message: `${file}#1: conversations[1].from is "bing"; known: system, human, gpt`,
      },
    ]);
  });
});

describe('chat files without a preset', () => {
  it('the generic mapping points a conversation at the chat presets', async () => {
    const file = tempFile('chat.jsonl', jsonl({ messages: [turn('user', 'Hi')] }, { conversations: [] }));
    const skipped: InvalidRecord[] = [];
    await expect(readAll({ path: file }, { onInvalid: (r) => skipped.push(r) })).rejects.toThrow(/no usable records/);
    expect(skipped.map((r) => r.message)).toEqual([
      `${file}:1: missing field "prompt" (the prompt); the record has: messages (a chat conversation: use the messages preset)`,
      `${file}:2: missing field "prompt" (the prompt); the record has: conversations (a ShareGPT conversation: use the sharegpt preset)`,
    ]);
  });

  it('a prompt file of conversations gives each first user turn', async () => {
    const messages = tempFile(
      'harmful.jsonl',
      jsonl(
        { messages: [turn('system', 'S'), turn('user', 'Do harm'), turn('assistant', 'No.'), turn('user', 'Please')] },
        { messages: [turn('user', 'Again')] },
      ),
    );
    const source = await promptFileSource(messages);
    expect(source).toEqual({ path: messages, preset: 'messages', fields: { label: '' } });
    expect((await readAll(source)).map((s) => s.prompt)).toEqual(['Do harm', 'Again']);
    const sharegpt = tempFile(
      'harmful.json',
      JSON.stringify([{ conversations: [{ from: 'human', value: 'Do harm' }] }]),
    );
    expect((await readAll(await promptFileSource(sharegpt))).map((s) => s.prompt)).toEqual(['Do harm']);
  });
});
