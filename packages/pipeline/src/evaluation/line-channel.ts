/**
 * A bounded hand-over from one producer (an evaluation, pushing one line per judged item) to one consumer (an
 * atomic artifact write iterating it). At most `capacity` lines wait at a time: a producer that gets ahead waits for
 * the writer, so memory stays flat however many items are pushed. Each chunk the consumer receives is whole lines,
 * so a secret inside a line is never split across chunks (the run store redacts chunk by chunk).
 */
export class LineChannel implements AsyncIterable<string> {
  private queue: string[] = [];
  private closed = false;
  private failure: { error: unknown } | undefined;
  private abandoned: { error: unknown } | undefined;
  private wakeConsumer: (() => void) | undefined;
  private wakeProducer: (() => void) | undefined;

  constructor(private readonly capacity = 256) {}

  /** Queues a line (its own newline included), waiting while the queue is full; throws once the consumer gave up. */
  async push(line: string): Promise<void> {
    if (this.closed) throw new Error('LineChannel: push after close');
    while (this.queue.length >= this.capacity && !this.abandoned) {
      await new Promise<void>((resolve) => (this.wakeProducer = resolve));
    }
    if (this.abandoned) throw this.abandoned.error;
    this.queue.push(line);
    this.wake('consumer');
  }

  /** No more lines: the consumer ends after the queued ones. */
  close(): void {
    this.closed = true;
    this.wake('consumer');
  }

  /** Ends the iteration with `error` (the write it feeds is abandoned, leaving no partial file). */
  fail(error: unknown): void {
    this.failure ??= { error };
    this.closed = true;
    this.wake('consumer');
  }

  /** The consumer stopped with `error` (a disk that refused the write): a waiting or later push throws it. */
  abandon(error: unknown): void {
    this.abandoned ??= { error };
    this.queue = [];
    this.wake('producer');
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    for (;;) {
      if (this.failure) throw this.failure.error;
      if (this.queue.length > 0) {
        const chunk = this.queue.join('');
        this.queue = [];
        this.wake('producer');
        yield chunk;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.wakeConsumer = resolve));
    }
  }

  private wake(side: 'consumer' | 'producer'): void {
    const wake = side === 'consumer' ? this.wakeConsumer : this.wakeProducer;
    if (side === 'consumer') this.wakeConsumer = undefined;
    else this.wakeProducer = undefined;
    wake?.();
  }
}
