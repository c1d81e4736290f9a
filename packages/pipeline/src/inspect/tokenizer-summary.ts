import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadTokenizer } from '@mllr/model';

/** How many lines of the chat template the summary keeps, and how much of each. */
const TEMPLATE_LINES = 3;
const LINE_CHARS = 100;

/** What `mllr inspect` shows of a model's tokenizer: the tokens that end generation and the chat template's start. */
export interface TokenizerSummary {
  /** Every id that ends generation (tokenizer_config.json's eos_token, generation_config.json's and config.json's eos_token_id). */
  eos_token_ids: number[];
  /** The text of each of those ids, in the same order. */
  eos_tokens: string[];
  /** The chat template's file, line count and first lines (each cut to 100 characters), or null without one. */
  chat_template: { file: string; lines: number; first_lines: string[] } | null;
}

/** The tokenizer summary of a model folder, or null when it has no tokenizer.json (an ids-only model). */
export async function tokenizerSummary(dir: string): Promise<TokenizerSummary | null> {
  if (!existsSync(join(dir, 'tokenizer.json'))) return null;
  const tokenizer = await loadTokenizer(dir);
  const eos = [...tokenizer.eosTokenIds];
  const template = tokenizer.chatTemplateSource;
  const lines = template?.text.split('\n') ?? [];
  return {
    eos_token_ids: eos,
    eos_tokens: eos.map((id) => (id < tokenizer.vocabSize ? tokenizer.decode([id]) : '?')),
    chat_template: template
      ? {
          file: template.file,
          lines: lines.length,
          first_lines: lines
            .slice(0, TEMPLATE_LINES)
            .map((l) => (l.length > LINE_CHARS ? `${l.slice(0, LINE_CHARS)}…` : l)),
        }
      : null,
  };
}
