import { describe, expect, it } from 'vitest';
import { TRAINED_SPECIAL_TOKENS, buildTokenizerFiles } from './tokenizer-files.js';

describe('buildTokenizerFiles', () => {
  const spec = {
    symbols: ['a', 'b'],
    model: (vocab: Record<string, number>) => ({ type: 'WordLevel', vocab, unk_token: '<unk>' }),
    preTokenizer: { type: 'Whitespace' },
    decoder: null,
    chatTemplate: '{{ bos_token }}',
    modelMaxLength: 64,
  };

  it('numbers the special tokens first and the symbols after them', () => {
    const files = buildTokenizerFiles(spec);
    const model = files.tokenizer.model as { vocab: Record<string, number> };
    expect(model.vocab['<pad>']).toBe(0);
    expect(model.vocab['<|assistant|>']).toBe(TRAINED_SPECIAL_TOKENS.length - 1);
    expect(model.vocab.a).toBe(TRAINED_SPECIAL_TOKENS.length);
    expect(model.vocab.b).toBe(TRAINED_SPECIAL_TOKENS.length + 1);
    expect(files.vocabSize).toBe(TRAINED_SPECIAL_TOKENS.length + 2);
    expect(
      (files.tokenizer.added_tokens as Array<{ content: string; special: boolean }>).map((t) => t.content),
    ).toEqual([...TRAINED_SPECIAL_TOKENS]);
    expect(files.tokenizerConfig).toMatchObject({
      model_max_length: 64,
      chat_template: '{{ bos_token }}',
      eos_token: '</s>',
    });
  });

  it('writes clean_up_tokenization_spaces only when the spec sets it', () => {
    expect(buildTokenizerFiles(spec).tokenizerConfig).not.toHaveProperty('clean_up_tokenization_spaces');
    expect(
      buildTokenizerFiles({ ...spec, cleanUpTokenizationSpaces: false }).tokenizerConfig.clean_up_tokenization_spaces,
    ).toBe(false);
  });
});
