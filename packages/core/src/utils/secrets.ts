import type { ArtifactContent } from '../contracts/run-store.js';

/** Environment variable names whose values are treated as secrets (API keys, tokens, passwords). */
export const SECRET_ENV_NAME = /API_?KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|PRIVATE_?KEY|ACCESS_?KEY/i;

/** Shorter values are not redacted: `TOKENIZERS_PARALLELISM=false` is no secret, and real keys are longer. */
export const MIN_SECRET_LENGTH = 10;

/** What a secret is replaced with. */
export const REDACTED = '[redacted]';

/**
 * Config keys that would hold a secret's value: api_key, secret, password, credentials, private/access keys and
 * tokens for services (`token`, `hf_token`, `auth_token` …, but not a tokenizer's `eos_token`). A key ending in
 * `_env` or `Env` (the llm judge's `apiKeyEnv`) names an environment variable instead and is allowed.
 */
export function isSecretKey(key: string): boolean {
  if (/[_-]env$|[a-z0-9]Env$/.test(key)) return false;
  return /api[_-]?key|apikey|secret|passw(or)?d|credential|private[_-]?key|access[_-]?key|^token$|(auth|access|api|bearer|hf|session|refresh|github|openai)[_-]?token$/i.test(
    key,
  );
}

/** The values of secret-looking environment variables, longest first (so a key containing another is masked whole). */
export function secretValuesFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && SECRET_ENV_NAME.test(name) && value.trim().length >= MIN_SECRET_LENGTH)
      values.add(value.trim());
  }
  return [...values].sort((a, b) => b.length - a.length);
}

/**
 * Removes known secret values from everything mllr writes or prints. Built from the environment by default: mllr
 * takes API keys only from environment variables, so their values are exactly what must never reach the run folder,
 * the event log, reports or the terminal, whichever plugin tried to write them.
 */
export class SecretRedactor {
  private readonly values: readonly string[];
  private readonly bytes: readonly Uint8Array[];

  constructor(values: readonly string[] = secretValuesFromEnv()) {
    this.values = values.filter((v) => v.length > 0);
    this.bytes = this.values.map((v) => new TextEncoder().encode(v));
  }

  /** True when there is nothing to redact (the common case: no secrets in the environment). */
  get empty(): boolean {
    return this.values.length === 0;
  }

  /** `text` with every secret replaced by {@link REDACTED}. */
  text(text: string): string {
    let out = text;
    for (const value of this.values) if (out.includes(value)) out = out.split(value).join(REDACTED);
    return out;
  }

  /** A copy of a JSON-like value with secrets redacted in every string, keys included. */
  value<T>(value: T): T {
    if (this.empty) return value;
    return this.walk(value) as T;
  }

  /**
   * Bytes with each secret overwritten by asterisks of the same length, so binary formats keep their offsets.
   * The input is not changed; it is returned as is when it holds no secret.
   */
  binary(bytes: Uint8Array): Uint8Array {
    let out = bytes;
    for (const secret of this.bytes) {
      for (let at = indexOf(out, secret, 0); at >= 0; at = indexOf(out, secret, at + secret.byteLength)) {
        if (out === bytes) out = bytes.slice();
        out.fill(0x2a, at, at + secret.byteLength);
      }
    }
    return out;
  }

  /** Artifact content with secrets redacted: text is replaced, bytes are masked, streams are redacted chunk by chunk. */
  content(content: ArtifactContent): ArtifactContent {
    if (this.empty) return content;
    if (typeof content === 'string') return this.text(content);
    if (content instanceof Uint8Array) return this.binary(content);
    return this.stream(content);
  }

  private async *stream(chunks: AsyncIterable<string | Uint8Array>): AsyncIterable<string | Uint8Array> {
    for await (const chunk of chunks) yield typeof chunk === 'string' ? this.text(chunk) : this.binary(chunk);
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.text(k), this.walk(v)]));
    }
    return value;
  }
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(needle, from);
}
