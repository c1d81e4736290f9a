import type { CliIo } from '../cli-io.js';

/**
 * A subcommand whose engine is not part of this release yet: it parses its arguments (so `--help` is accurate)
 * and then says so plainly, with a non-zero exit.
 */
export function notBuiltCommand(name: string, arrivesWith: string): (io: CliIo) => number {
  return (io) => {
    io.stderr.write(`mllr ${name}: not built yet; it arrives with ${arrivesWith}.\n`);
    return 1;
  };
}
