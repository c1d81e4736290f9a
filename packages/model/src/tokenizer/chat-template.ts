import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Environment, Interpreter, Template } from '@huggingface/jinja';
import { MllrError } from '@mllr/core';
import { isJsonObject } from '../files/read-json-file.js';
import {
  TEMPLATE_FUNCTIONS,
  UnsupportedTemplateFunctionError,
  calledFunctionNames,
  raiseException,
  strftimeNow,
} from './chat-template-functions.js';

/** A parsed chat template and the file it came from (for error messages). */
export interface ChatTemplate {
  template: Template;
  file: string;
  /** The template's text, as the file holds it. */
  source: string;
  /** Names the template calls as functions that the renderer does not provide (they fail when called). */
  unknownCalls: readonly string[];
}

/** Separate template file written by recent versions of transformers, used when tokenizer_config.json has none. */
export const CHAT_TEMPLATE_FILE = 'chat_template.jinja';

/**
 * The model's chat template: `chat_template` of tokenizer_config.json (a string, or a list of `{ name, template }`
 * from which `default` is used), else `chat_template.jinja`. Undefined when the model has none. The template is
 * parsed here, so a broken one fails at load; @huggingface/jinja interprets it in a sandbox and runs no code.
 */
export async function loadChatTemplate(
  dir: string,
  tokenizerConfig: Record<string, unknown>,
): Promise<ChatTemplate | undefined> {
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
    throw new MllrError(
      'CHECKPOINT_UNSUPPORTED',
      `${file}: chat_template lists named templates (${names}) but none is "default"`,
    );
  }
  throw new MllrError('CHECKPOINT_INVALID', `${file}: chat_template must be a string or a list of { name, template }`);
}

/** The longest chat template accepted (64 KiB); real ones, tool-calling templates included, stay under 20 KiB. */
export const MAX_CHAT_TEMPLATE_CHARS = 64 * 1024;

/**
 * The longest run of whitespace accepted in a template. @huggingface/jinja's lexer takes time quadratic in the
 * length of a whitespace run (a 64 KiB run took seconds), and no real template has more than a few dozen in a row.
 */
export const MAX_TEMPLATE_WHITESPACE_RUN = 4096;

function compile(source: string, file: string): ChatTemplate {
  if (source.length > MAX_CHAT_TEMPLATE_CHARS) {
    throw new MllrError(
      'CHECKPOINT_UNSUPPORTED',
      `${file}: the chat template is ${source.length} characters, more than the ${MAX_CHAT_TEMPLATE_CHARS} accepted`,
    );
  }
  if (longestWhitespaceRun(source) > MAX_TEMPLATE_WHITESPACE_RUN) {
    throw new MllrError(
      'CHECKPOINT_UNSUPPORTED',
      `${file}: the chat template has a run of more than ${MAX_TEMPLATE_WHITESPACE_RUN} whitespace characters`,
    );
  }
  let template: Template;
  try {
    template = new Template(source);
  } catch (error) {
    throw new MllrError(
      'CHECKPOINT_INVALID',
      `${file}: the chat template does not parse (${(error as Error).message})`,
      { cause: error },
    );
  }
  const provided = new Set<string>(TEMPLATE_FUNCTIONS);
  return {
    template,
    file,
    source,
    unknownCalls: calledFunctionNames(template.parsed).filter((name) => !provided.has(name)),
  };
}

/** How many numbers `range()` may produce in one render, all calls together; real templates need a handful. */
export const MAX_RANGE_ITEMS = 10_000;

/**
 * Renders a chat template in an environment built here rather than @huggingface/jinja's default one, so that every
 * function a template can reach is mllr's choice: the constants, `raise_exception` and `strftime_now` as
 * transformers defines them, and a bounded `range()`. The library interprets templates without access to JavaScript
 * (no globals, no prototypes, no require), but its own `range()` builds a full array, so `range(10**10)` would
 * exhaust memory before any loop ran; here `range()` shares a budget of {@link MAX_RANGE_ITEMS} numbers per render.
 * A call to any other function (one only newer transformers versions provide, say) fails with its name and the
 * template's file, instead of the library's "cannot call something that is not a function".
 * A template's `raise_exception` comes out as a TemplateRaisedError carrying the template's message.
 */
export function renderChatTemplate(chat: ChatTemplate, items: Record<string, unknown>): string {
  let budget = MAX_RANGE_ITEMS;
  const boundedRange = (start: number, stop?: number, step = 1): number[] => {
    const [from, to] = stop === undefined ? [0, start] : [start, stop];
    if (![from, to, step].every((n) => typeof n === 'number' && Number.isFinite(n)) || step === 0) {
      throw new Error('range() needs finite numbers and a non-zero step');
    }
    const count = Math.max(0, Math.ceil((to - from) / step));
    budget -= count;
    if (budget < 0) throw new Error(`range() asked for more than ${MAX_RANGE_ITEMS} numbers in one render`);
    return Array.from({ length: count }, (_, i) => from + i * step);
  };
  const env = new Environment();
  const globals: Record<string, unknown> = {
    true: true,
    false: false,
    none: null,
    True: true,
    False: false,
    None: null,
    range: boundedRange,
    raise_exception: raiseException,
    strftime_now: strftimeNow,
  };
  for (const [name, value] of Object.entries({ ...globals, ...items })) env.set(name, value);
  for (const name of chat.unknownCalls) {
    if (name in items) continue;
    env.set(name, () => {
      throw new UnsupportedTemplateFunctionError(name);
    });
  }
  try {
    return String(new Interpreter(env).run(chat.template.parsed).value);
  } catch (error) {
    if (error instanceof UnsupportedTemplateFunctionError) {
      throw new MllrError('CHECKPOINT_UNSUPPORTED', `${chat.file}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

function longestWhitespaceRun(text: string): number {
  let longest = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    run = /\s/.test(text[i]!) ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}
