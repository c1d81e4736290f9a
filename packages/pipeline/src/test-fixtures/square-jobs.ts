// Job handlers for run-jobs.test.ts: small jobs that show where they ran and how they end.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MllrError } from '@mllr/core';
import type { JobEnvironment, JobHandlers } from '../process/job-protocol.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createJobHandlers(environment: JobEnvironment): JobHandlers {
  return {
    handlers: {
      async square(payload, context) {
        const { n } = payload as { n: number };
        context.progress(1, 2, { label: `n=${n}` });
        context.metric('square', n * n, { series: `n=${n}` });
        context.log(`squared ${n} with ${environment.threads} thread(s)`);
        context.progress(2, 2, { label: `n=${n}` });
        return { n, square: n * n, pid: process.pid, threads: environment.threads, seed: context.config.seed };
      },
      async fail(payload) {
        throw new MllrError('DATA_INVALID', `job ${(payload as { n: number }).n} found bad data`);
      },
      async crash() {
        process.stderr.write('about to crash\n');
        process.exit(3);
      },
      async slow(_payload, context) {
        for (;;) {
          context.throwIfStopped();
          await sleep(20);
        }
      },
      // Like a fine-tuning run: on a stop it takes a while (100 ms × n) to save a checkpoint, then stops.
      async 'save-on-stop'(payload, context) {
        const { n } = payload as { n: number };
        try {
          for (;;) {
            context.throwIfStopped();
            await sleep(20);
          }
        } catch (stop) {
          await sleep(100 * n);
          await writeFile(join(context.store.dir, `saved-${n}`), String(process.pid));
          throw stop;
        }
      },
    },
  };
}
