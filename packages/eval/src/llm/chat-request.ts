/** The outcome of one failed attempt: what went wrong, whether trying again can help, and how long a server asked us to wait. */
export class AttemptFailure extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** One POST to an OpenAI-compatible `/chat/completions` endpoint. */
export interface ChatRequest {
  url: string;
  apiKey?: string;
  body: unknown;
  timeoutMs: number;
  fetch: typeof globalThis.fetch;
  parseRetryAfter: (header: string | null) => number | undefined;
}

/**
 * Sends one chat completion request and returns the reply text. Failures become {@link AttemptFailure}s:
 * network errors, timeouts, 429 and 5xx are retryable (429 with its Retry-After); other statuses are not, and carry
 * the server's own error message. The timeout covers reading the body too.
 */
export async function postChatCompletion(request: ChatRequest): Promise<string> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), request.timeoutMs);
  try {
    let response: Response;
    try {
      response = await request.fetch(request.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(request.apiKey ? { authorization: `Bearer ${request.apiKey}` } : {}),
        },
        body: JSON.stringify(request.body),
        signal: controller.signal,
      });
    } catch (error) {
      throw transportFailure(error, controller.signal.aborted, request.timeoutMs);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw transportFailure(error, controller.signal.aborted, request.timeoutMs);
    }
    if (!response.ok) {
      const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
      const detail = serverMessage(text);
      const message = detail ? `${status}: ${detail}` : status;
      if (response.status === 429) {
        throw new AttemptFailure(message, true, 429, request.parseRetryAfter(response.headers.get('retry-after')));
      }
      throw new AttemptFailure(message, response.status >= 500, response.status);
    }
    return replyContent(text);
  } finally {
    clearTimeout(timer);
  }
}

function transportFailure(error: unknown, timedOut: boolean, timeoutMs: number): AttemptFailure {
  if (timedOut) return new AttemptFailure(`no answer within ${timeoutMs} ms`, true);
  // undici reports "fetch failed" and puts the useful part (ECONNREFUSED, ENOTFOUND) in the cause.
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const why =
    typeof cause?.code === 'string'
      ? cause.code
      : typeof cause?.message === 'string'
        ? cause.message
        : (error as Error).message;
  return new AttemptFailure(`request failed (${why})`, true);
}

/** The server's error message from an OpenAI-style `{ error: { message } }` body, or the start of the raw body. */
function serverMessage(body: string): string {
  try {
    const json = JSON.parse(body) as { error?: unknown; message?: unknown; detail?: unknown };
    const error = json.error;
    if (typeof error === 'string') return error;
    if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
      return (error as { message: string }).message;
    }
    if (typeof json.message === 'string') return json.message;
    if (typeof json.detail === 'string') return json.detail;
  } catch {
    // Not JSON: fall through to the raw text.
  }
  const trimmed = body.trim();
  return trimmed.length > 300 ? `${trimmed.slice(0, 300)}…` : trimmed;
}

/** `choices[0].message.content` of a chat completion (a string, or an array of text parts). */
function replyContent(body: string): string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new AttemptFailure(`the reply is not JSON: ${body.slice(0, 200)}`, true);
  }
  const content = (json as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : ''))
      .join('');
  }
  throw new AttemptFailure('the reply has no choices[0].message.content', true);
}
