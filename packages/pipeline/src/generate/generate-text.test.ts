import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeChatPrompt, loadTokenizer } from '@mllr/model';
import { TINY_CHAT_DIR } from '@mllr/tiny-chat';
import { describe, expect, it } from 'vitest';
import { generateText } from './generate-text.js';

describe('generateText', () => {
  it('encodes a prompt through the chat template, names the engine once open, and decodes the continuation', async () => {
    const tokenizer = await loadTokenizer(TINY_CHAT_DIR);
    const opened: string[] = [];
    const result = await generateText({
      dir: TINY_CHAT_DIR,
      input: { prompt: 'How do I bake bread?' },
      maxNewTokens: 6,
      engine: 'tfjs',
      onEngineOpen: (engine) => opened.push(`${engine.name} on ${engine.device}`),
    });
    expect(result.promptIds).toEqual(encodeChatPrompt(tokenizer, 'How do I bake bread?'));
    expect(result.outputIds.length).toBeGreaterThan(0);
    expect(result.outputIds.length).toBeLessThanOrEqual(6);
    expect(result.text).toBe(tokenizer.decode(result.outputIds, { skipSpecialTokens: true }));
    expect(opened).toEqual([expect.stringMatching(/^tfjs on /)]);
  });

  it('takes raw text with special tokens, or ids as given', async () => {
    const tokenizer = await loadTokenizer(TINY_CHAT_DIR);
    const raw = await generateText({
      dir: TINY_CHAT_DIR,
      input: { prompt: 'hello', raw: true },
      maxNewTokens: 2,
      engine: 'tfjs',
    });
    expect(raw.promptIds).toEqual(tokenizer.encode('hello', { addSpecialTokens: true }));
    const ids = await generateText({ dir: TINY_CHAT_DIR, input: { ids: [1, 2, 3] }, maxNewTokens: 2, engine: 'tfjs' });
    expect(ids.promptIds).toEqual([1, 2, 3]);
  });

  it('refuses ids outside the vocabulary, and a text prompt for a folder without tokenizer.json', async () => {
    await expect(
      generateText({ dir: TINY_CHAT_DIR, input: { ids: [1, 999_999] }, maxNewTokens: 2, engine: 'tfjs' }),
    ).rejects.toMatchObject({
      code: 'ARGUMENT_INVALID',
      message: expect.stringContaining('token id 999999 is outside'),
    });
    const bare = mkdtempSync(join(tmpdir(), 'mllr-generate-'));
    writeFileSync(join(bare, 'config.json'), '{}');
    await expect(
      generateText({ dir: bare, input: { prompt: 'hi' }, maxNewTokens: 2, engine: 'tfjs' }),
    ).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      message: expect.stringContaining('give --ids instead of --prompt'),
    });
  });
});
