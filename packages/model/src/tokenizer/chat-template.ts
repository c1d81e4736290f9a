import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Template } from '@huggingface/jinja';
import { MllrError } from '@mllr/core';
import { isJsonObject } from '../files/read-json-file.js';

/** A parsed chat template and the file it came from (for error messages). */
export interface ChatTemplate {
  template: Template;
  file: string;
}

/** Separate template file written by recent versions of transformers, used when tokenizer_config.json has none. */
export const CHAT_TEMPLATE_FILE = 'chat_template.jinja';

/**
 * The model's chat template: `chat_template` of tokenizer_config.json (a string, or a list of `{ name, template }`
 * from which `default` is used), else `chat_template.jinja`. Undefined when the model has none. The template is
 * parsed here, so a broken one fails at load; @huggingface/jinja interprets it in a sandbox and runs no code.
 */
export async function loadChatTemplate(dir: string, tokenizerConfig: Record<string, unknown>): Promise<ChatTemplate | undefined> {
  const configFile = join(dir, 'tokenizer_config.json');
  const raw = tokenizerConfig['chat_template'];
  if (raw !== undefined && raw !== null) return compile(pickTemplate(raw, configFile), configFile);
  const jinjaFile = join(dir, CHAT_TEMPLATE_FILE);
  const text = await readFile(jinjaFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new MllrError('CHECKPOINT_INVALID', `${jinjaFile}: cannot be read (${error.code})`, { cause: error });
  });
  return text === undefined ? undefined : compile(text, jinjaFile);
}

function pickTemplate(raw: unknown, file: string): string {
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw)) {
    const named = raw.filter(isJsonObject);
    const chosen = named.find((t) => t['name'] === 'default');
    if (chosen && typeof chosen['template'] === 'string') return chosen['template'];
    const names = named.map((t) => String(t['name'])).join(', ');
    throw new MllrError('CHECKPOINT_UNSUPPORTED', `${file}: chat_template lists named templates (${names}) but none is "default"`);
  }
  throw new MllrError('CHECKPOINT_INVALID', `${file}: chat_template must be a string or a list of { name, template }`);
}

function compile(source: string, file: string): ChatTemplate {
  try {
    return { template: new Template(source), file };
  } catch (error) {
    throw new MllrError('CHECKPOINT_INVALID', `${file}: the chat template does not parse (${(error as Error).message})`, { cause: error });
  }
}
