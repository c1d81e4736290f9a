import { StringDecoder } from 'node:string_decoder';

/** A line longer than the limit: the reader turns it into DATA_INVALID naming the line. */
export class LineTooLongError extends Error {
  constructor(readonly lineNumber: number) {
    super(`line ${lineNumber} is too long`);
  }
}

/**
 * The lines of a byte stream (UTF-8), split at LF, CRLF or a lone CR as readline does, without their breaks.
 * Unlike readline, a line is never buffered past `maxChars`: a file without line breaks fails early instead of
 * being held whole in memory.
 */
export async function* boundedLines(
  input: AsyncIterable<Buffer | string>,
  maxChars: number,
): AsyncGenerator<string, void, undefined> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let lineNumber = 0;
  let lastWasCr = false;
  for await (const chunk of input) {
    let text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    // A CRLF split across chunks: the LF belongs to the break already counted at the CR.
    if (lastWasCr && text.startsWith('\n')) text = text.slice(1);
    let start = 0;
    for (const match of text.matchAll(/\r\n|\n|\r/g)) {
      const line = pending + text.slice(start, match.index);
      pending = '';
      lineNumber++;
      if (line.length > maxChars) throw new LineTooLongError(lineNumber);
      yield line;
      start = match.index + match[0].length;
    }
    pending += text.slice(start);
    lastWasCr = text.endsWith('\r');
    if (pending.length > maxChars) throw new LineTooLongError(lineNumber + 1);
  }
  pending += decoder.end();
  if (pending.length > maxChars) throw new LineTooLongError(lineNumber + 1);
  if (pending !== '') yield pending;
}
