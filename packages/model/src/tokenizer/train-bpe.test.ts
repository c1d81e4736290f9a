import { Tokenizer as LibTokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-fixtures/tiny-model.js';
import { loadTokenizer } from './load-tokenizer.js';
import { TRAINED_SPECIAL_TOKENS } from './tokenizer-files.js';
import { byteLevelPreTokens, trainByteLevelBpe, writeTrainedTokenizer } from './train-bpe.js';

const CORPUS = [
  'How do I bake bread at home?',
  'Mix flour, water, salt and yeast, then bake the dough.',
  "I'm sorry, but I can't help with that request.",
  'Write a short poem about the sea.',
  'The sea is wide and the sea is deep.',
  'Give three tips for staying healthy.\n\nEat well, sleep well, move every day.',
  "I'm sorry, but I cannot assist with that.",
];
const texts = Array.from({ length: 5 }, () => CORPUS).flat();

async function loaded(vocabSize = 400) {
  const dir = tempDir();
  const trained = trainByteLevelBpe(texts, { vocabSize, modelMaxLength: 64 });
  await writeTrainedTokenizer(dir, trained);
  return { trained, tokenizer: await loadTokenizer(dir) };
}

describe('trainByteLevelBpe', () => {
  it('is deterministic and fills the vocabulary up to the size asked for, when the data has enough pairs', () => {
    const a = trainByteLevelBpe(texts, { vocabSize: 300 });
    expect(JSON.stringify(trainByteLevelBpe(texts, { vocabSize: 300 }))).toBe(JSON.stringify(a));
    expect(a.vocabSize).toBe(300);
    expect(a.merges).toBe(300 - 6 - 256);
    const big = trainByteLevelBpe(texts, { vocabSize: 100_000 });
    expect(big.vocabSize).toBeLessThan(100_000); // stops when no pair occurs twice
    expect(() => trainByteLevelBpe(texts, { vocabSize: 100 })).toThrow(
      expect.objectContaining({ code: 'ARGUMENT_INVALID' }),
    );
  });

  it('pre-tokenizes exactly as the ByteLevel pre-tokenizer of the written tokenizer.json', () => {
    const { tokenizer } = trainByteLevelBpe(texts, { vocabSize: 300 });
    const lib = new LibTokenizer(tokenizer, {});
    for (const text of [...CORPUS, '  two  spaces\tand tab', 'ünïcödé 日本語 🙂 42,000!', "we'll see"]) {
      expect(byteLevelPreTokens(text)).toEqual(lib.pre_tokenizer!.pre_tokenize(text));
    }
  });

  it('writes a tokenizer that loadTokenizer reads: frequent words are one token, any text round-trips, nothing is unknown', async () => {
    const { tokenizer } = await loaded();
    expect(tokenizer.bosTokenId).toBe(1);
    expect(tokenizer.eosTokenIds).toEqual([2]);
    expect(tokenizer.padTokenId).toBe(0);
    expect(tokenizer.encode('sea', { addSpecialTokens: false })).toEqual([tokenizer.tokenToId('Ġsea')]);
    for (const text of [...CORPUS, 'unseen wörds ✓ 123']) {
      const ids = tokenizer.encode(text, { addSpecialTokens: false });
      expect(ids).not.toContain(TRAINED_SPECIAL_TOKENS.indexOf('<unk>'));
      expect(tokenizer.decode(ids)).toBe(` ${text}`); // the byte-level prefix space
    }
  });

  it('has a chat template whose prompt render is a token prefix of the full exchange', async () => {
    const { tokenizer } = await loaded();
    const user = { role: 'user' as const, content: 'How do I bake bread at home?' };
    const prompt = tokenizer.applyChatTemplate([user], { addGenerationPrompt: true });
    const full = tokenizer.applyChatTemplate([user, { role: 'assistant', content: 'Mix flour and water.' }]);
    expect(prompt).toBe('<s><|user|>How do I bake bread at home?<|assistant|>');
    expect(full).toBe(`${prompt}Mix flour and water.</s>`);
    const promptIds = tokenizer.encode(prompt, { addSpecialTokens: false });
    const fullIds = tokenizer.encode(full, { addSpecialTokens: false });
    expect(fullIds.slice(0, promptIds.length)).toEqual(promptIds);
    expect(fullIds[0]).toBe(1);
    expect(fullIds.at(-1)).toBe(2);
    expect(tokenizer.decode(fullIds.slice(promptIds.length), { skipSpecialTokens: true })).toBe(
      ' Mix flour and water.',
    );
  });
});
