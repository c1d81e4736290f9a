import { isSecretKey } from '@mllr/core';

/** A setting that holds what looks like a secret, with its key path. */
export interface SecretSetting {
  path: (string | number)[];
  key: string;
}

/**
 * Every key anywhere in a config (plugin options included) that looks like it holds a secret and has a value.
 * Secrets belong in environment variables: a config file is copied into the run folder and shared with results.
 */
export function findSecretSettings(value: unknown, path: (string | number)[] = []): SecretSetting[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => findSecretSettings(v, [...path, i]));
  if (value === null || typeof value !== 'object') return [];
  const found: SecretSetting[] = [];
  for (const [key, child] of Object.entries(value)) {
    const hasValue = (typeof child === 'string' && child.trim() !== '') || typeof child === 'number';
    if (hasValue && isSecretKey(key)) found.push({ path: [...path, key], key });
    else found.push(...findSecretSettings(child, [...path, key]));
  }
  return found;
}

/** The message for one secret setting: where the value should come from instead. */
export function secretSettingMessage(key: string): string {
  const variableKey = /^[a-z][a-zA-Z0-9]*[A-Z]/.test(key) ? `${key}Env` : `${key}_env`; // apiKey → apiKeyEnv, api_key → api_key_env
  return (
    `"${key}" looks like a secret; never write secrets in a config file (it is copied into the run folder). ` +
    `Put it in an environment variable and name the variable instead, e.g. ${variableKey}: OPENAI_API_KEY ` +
    '(the llm judge reads its key from the variable its apiKeyEnv option names)'
  );
}

/** How deeply a config may nest mappings and lists; real configs stay under 8. */
export const MAX_CONFIG_DEPTH = 32;

/**
 * The largest config file read (64 KiB); a real one is a few KiB. This also bounds the YAML parser's time on
 * pathological input: its duplicate-key check is quadratic in a mapping's keys (20,000 keys took four seconds).
 */
export const MAX_CONFIG_BYTES = 64 * 1024;

/**
 * How deeply `{` and `[` may nest in the text, counted before parsing. The yaml library takes time exponential-like
 * in the depth of unclosed flow collections (16,384 `{` took three minutes), so depth is refused from the raw text.
 * Brackets inside quoted strings count too, which no real config comes near.
 */
export const MAX_FLOW_DEPTH = 2 * MAX_CONFIG_DEPTH;

/** The deepest nesting of `{`/`[` in `text`, ignoring everything else (a linear scan, no parsing). */
export function flowDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if ((c === 0x7d || c === 0x5d) && depth > 0) depth--;
  }
  return deepest;
}

/** True when `value` nests mappings and lists deeper than `limit` (checked without recursion). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}
