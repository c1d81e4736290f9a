// The one rule small-chat's written replies share: a seeded SHA-256 of the prompt picks one entry from each list.
import { createHash } from 'node:crypto';

/**
 * A reply for `prompt` made of one entry of each of `parts`, joined by spaces; the same for the same kind, seed and
 * prompt on every machine. Each part is picked by its own 4 bytes of the digest, so the choices are independent.
 */
export function seededReply(kind: string, seed: number, prompt: string, parts: readonly (readonly string[])[]): string {
  const digest = createHash('sha256').update(`${kind}\u0000${seed}\u0000${prompt}`).digest();
  return parts.map((list, i) => list[digest.readUInt32BE(4 * i) % list.length]!).join(' ');
}
