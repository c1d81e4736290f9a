/** The longest wait between attempts, whatever the attempt number or a server's Retry-After asks. */
export const MAX_RETRY_DELAY_MS = 120_000;

/**
 * Exponential backoff with "equal jitter": attempt n (1-based) waits between half and all of
 * `baseMs · 2^(n-1)`, capped at {@link MAX_RETRY_DELAY_MS}. The jitter keeps concurrent workers that failed together
 * from retrying together; `random` returns numbers in [0, 1).
 */
export function backoffDelay(attempt: number, baseMs: number, random: () => number): number {
  const full = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + random() * (full / 2));
}

/**
 * Milliseconds a `Retry-After` header asks to wait (delay-seconds or an HTTP date), capped at
 * {@link MAX_RETRY_DELAY_MS}; undefined when absent or unreadable.
 */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const value = header.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(value)) ms = Number(value) * 1000;
  else {
    const date = Date.parse(value);
    if (Number.isNaN(date)) return undefined;
    ms = date - now;
  }
  return Math.min(MAX_RETRY_DELAY_MS, Math.max(0, Math.round(ms)));
}
