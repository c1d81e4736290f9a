import { join } from 'node:path';
import { Tokenizer as LibTokenizer } from '@huggingface/tokenizers';
import { MllrError } from '@mllr/core';
import { isJsonObject, readJsonFile } from '../files/read-json-file.js';
import { loadChatTemplate } from './chat-template.js';
import { checkTokenIds } from './check-token-ids.js';
import { HfTokenizer } from './hf-tokenizer.js';
import { configTokenIds, specialTokenId, tokenContent } from './special-tokens.js';

const TEMPLATE_TOKENS = ['bos_token', 'eos_token', 'pad_token', 'unk_token'] as const;

/**
 * Loads the tokenizer of a checkpoint folder: tokenizer.json (required), tokenizer_config.json (special tokens,
 * chat template; optional), generation_config.json and config.json (token ids; optional). bos/pad come from
 * tokenizer_config.json, else config.json. eos, the tokens that end generation, is tokenizer_config.json's eos_token,
 * then generation_config.json's eos_token_id(s), then config.json's: chat models often stop on more than one token
 * (Qwen2.5 on `<|im_end|>` and `<|endoftext|>`, Llama 3 on three), and generation_config.json is where
 * transformers' generate() reads them.
 */
export async function loadTokenizer(dir: string): Promise<HfTokenizer> {
  const tokenizerFile = join(dir, 'tokenizer.json');
  const configFile = join(dir, 'tokenizer_config.json');
  const tokenizerJson = await readJsonFile(tokenizerFile);
  if (!isJsonObject(tokenizerJson))
    throw new MllrError('CHECKPOINT_INVALID', `${tokenizerFile}: expected a JSON object`);
  checkTokenIds(tokenizerJson, tokenizerFile);
  const tokenizerConfig = objectOrEmpty(await readJsonFile(configFile, { optional: true }), configFile);
  const modelConfig = objectOrEmpty(
    await readJsonFile(join(dir, 'config.json'), { optional: true }),
    join(dir, 'config.json'),
  );
  const generationFile = join(dir, 'generation_config.json');
  const generationConfig = objectOrEmpty(await readJsonFile(generationFile, { optional: true }), generationFile);

  const lib = buildLibTokenizer(tokenizerJson, tokenizerConfig, tokenizerFile);
  const toId = (token: string) => lib.token_to_id(token);
  const bos =
    specialTokenId(tokenizerConfig, 'bos_token', configFile, toId) ?? configTokenIds(modelConfig['bos_token_id'])[0];
  const eos = specialTokenId(tokenizerConfig, 'eos_token', configFile, toId);
  const pad =
    specialTokenId(tokenizerConfig, 'pad_token', configFile, toId) ?? configTokenIds(modelConfig['pad_token_id'])[0];
  const unk = unknownTokenId(tokenizerJson, toId);
  const eosTokenIds = [
    ...new Set([
      ...(eos === undefined ? [] : [eos]),
      ...configTokenIds(generationConfig['eos_token_id']),
      ...configTokenIds(modelConfig['eos_token_id']),
    ]),
  ];

  const templateTokens: Record<string, string> = {};
  for (const field of TEMPLATE_TOKENS) {
    const token = tokenContent(tokenizerConfig[field]);
    if (token !== undefined) templateTokens[field] = token;
  }
  const chatTemplate = await loadChatTemplate(dir, tokenizerConfig);
  return new HfTokenizer(
    {
      tokenizer: lib,
      dir,
      eosTokenIds,
      templateTokens,
      ...(bos === undefined ? {} : { bosTokenId: bos }),
      ...(pad === undefined ? {} : { padTokenId: pad }),
      ...(unk === undefined ? {} : { unkTokenId: unk }),
      ...(chatTemplate === undefined ? {} : { chatTemplate }),
    },
    tokenizerFile,
  );
}

function buildLibTokenizer(json: Record<string, unknown>, config: Record<string, unknown>, file: string): LibTokenizer {
  // tokenizer.json files written by hand (or by older tools) may omit these; the library requires every key.
  const complete = {
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: null,
    post_processor: null,
    decoder: null,
    ...json,
  };
  // The library reads special tokens as plain strings; tokenizer_config.json may hold `{ content }` objects.
  const plainConfig: Record<string, unknown> = { ...config };
  for (const field of [...TEMPLATE_TOKENS, 'sep_token', 'cls_token', 'mask_token']) {
    if (config[field] !== undefined) plainConfig[field] = tokenContent(config[field]);
  }
  try {
    return new LibTokenizer(complete, plainConfig);
  } catch (error) {
    const why = (error as Error).message;
    throw new MllrError('CHECKPOINT_INVALID', `${file}: not a tokenizer @huggingface/tokenizers can load (${why})`, {
      cause: error,
    });
  }
}

/** The id of tokenizer.json's `model.unk_token`, when the model names one that is in the vocabulary. */
function unknownTokenId(
  json: Record<string, unknown>,
  toId: (token: string) => number | undefined,
): number | undefined {
  const model = json['model'];
  const token = isJsonObject(model) ? model['unk_token'] : undefined;
  return typeof token === 'string' ? toId(token) : undefined;
}

function objectOrEmpty(value: unknown, file: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isJsonObject(value)) throw new MllrError('CHECKPOINT_INVALID', `${file}: expected a JSON object`);
  return value;
}
