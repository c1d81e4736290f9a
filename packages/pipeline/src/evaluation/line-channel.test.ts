import { describe, expect, it } from 'vitest';
import { LineChannel } from './line-channel.js';

async function drain(channel: LineChannel): Promise<string[]> {
  const chunks: string[] = [];
  for await (const chunk of channel) chunks.push(chunk);
  return chunks;
}

describe('LineChannel', () => {
  it('hands every line over in order, in chunks of whole lines', async () => {
    const channel = new LineChannel(2);
    const reading = drain(channel);
    for (let i = 0; i < 7; i++) await channel.push(`${i}\n`);
    channel.close();
    const chunks = await reading;
    expect(chunks.join('')).toBe('0\n1\n2\n3\n4\n5\n6\n');
    for (const chunk of chunks) expect(chunk.endsWith('\n')).toBe(true);
  });

  it('makes a producer wait while `capacity` lines are queued and nobody reads', async () => {
    const channel = new LineChannel(2);
    await channel.push('a\n');
    await channel.push('b\n');
    let third = false;
    const pushing = channel.push('c\n').then(() => (third = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(third).toBe(false);
    const iterator = channel[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe('a\nb\n');
    await pushing;
    expect(third).toBe(true);
  });

  it('fail ends the reader with the error; abandon makes waiting and later pushes throw the reader error', async () => {
    const failing = new LineChannel();
    const reading = drain(failing);
    await failing.push('x\n');
    failing.fail(new Error('stopped'));
    await expect(reading).rejects.toThrow('stopped');

    const abandoned = new LineChannel(1);
    await abandoned.push('a\n');
    const waiting = abandoned.push('b\n');
    abandoned.abandon(new Error('disk full'));
    await expect(waiting).rejects.toThrow('disk full');
    await expect(abandoned.push('c\n')).rejects.toThrow('disk full');
  });
});
