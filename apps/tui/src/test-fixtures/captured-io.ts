import { PassThrough } from 'node:stream';
import type { CliIo } from '../cli-io.js';

/** A non-terminal CliIo whose stdout and stderr are captured, for tests that call the command line in process. */
export function capturedIo(): CliIo & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += String(c)));
  stderr.on('data', (c) => (err += String(c)));
  return { stdout, stderr, isTTY: false, cwd: process.cwd(), out: () => out, err: () => err };
}
