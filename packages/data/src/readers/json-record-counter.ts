/** One token of stream-json's parser. */
export interface JsonToken {
  name: string;
  value?: unknown;
}

const VALUE_TOKENS = new Set(['stringValue', 'numberValue', 'nullValue', 'trueValue', 'falseValue']);
/** Tokens carrying raw text as it streams in; the packed values repeat it, so only these are measured. */
const CHUNK_TOKENS = new Set(['stringChunk', 'numberChunk']);

/**
 * Follows the parser's tokens and counts the completed elements of the records array (the top-level array, or the
 * `data` array of a top-level object). Counting at the parser, as tokens are produced, is what makes a syntax error's
 * record index exact: downstream stages may not have seen the tokens buffered before the error yet.
 */
export class JsonRecordCounter {
  /** Elements of the records array completed so far: the index of the record being parsed. */
  completed = 0;
  /** Whether the records array has been closed (an error after that is trailing garbage). */
  closed = false;
  /** Whether a `data` array was found (wrapped layout only). */
  found = false;
  /** Characters of the record being parsed so far (string and number text, plus one per other token). */
  recordChars = 0;
  private depth = 0;
  private arrayDepth = -1;
  private topKey: unknown;

  constructor(private readonly wrapped: boolean) {}

  /** Accounts for one token. */
  see(token: JsonToken): void {
    const before = this.completed;
    this.count(token);
    if (this.completed !== before) this.recordChars = 0;
    else if (this.arrayDepth >= 0 && this.depth >= this.arrayDepth) {
      this.recordChars += CHUNK_TOKENS.has(token.name) && typeof token.value === 'string' ? token.value.length : 1;
    }
  }

  private count(token: JsonToken): void {
    switch (token.name) {
      case 'startObject':
      case 'startArray':
        this.depth++;
        if (token.name === 'startArray' && this.arrayDepth < 0 && this.isRecordsArray()) {
          this.arrayDepth = this.depth;
          this.found = true;
        }
        return;
      case 'endObject':
      case 'endArray':
        if (this.depth === this.arrayDepth) {
          this.arrayDepth = -1;
          this.closed = true;
        }
        this.depth--;
        if (this.depth === this.arrayDepth) this.completed++;
        return;
      case 'keyValue':
        if (this.depth === 1) this.topKey = token.value;
        return;
      default:
        if (VALUE_TOKENS.has(token.name) && this.depth === this.arrayDepth) this.completed++;
    }
  }

  private isRecordsArray(): boolean {
    return this.wrapped ? this.depth === 2 && this.topKey === 'data' : this.depth === 1;
  }
}
