import { evaluateModelFolder } from '@mllr/pipeline';
import type { CliIo } from '../cli-io.js';
import { evalJson, formatEvalReport } from '../render/format-eval.js';

/** Options of `mllr eval`. */
export interface EvalCommandOptions {
  model: string;
  config?: string;
  /** `--eval-harmful`, once per file. */
  evalHarmful?: string[];
  out?: string;
  json?: boolean;
  /** Download a Hub id the cache lacks. */
  download?: boolean;
}

/** `mllr eval`: the evaluation stage on one model folder; progress on stderr, the metrics on stdout (table or --json). */
export async function evalCommand(options: EvalCommandOptions, io: CliIo): Promise<number> {
  const report = await evaluateModelFolder({
    model: options.model,
    ...(options.download ? { download: true } : {}),
    cwd: io.cwd,
    ...(options.config !== undefined ? { configFile: options.config } : {}),
    ...(options.evalHarmful && options.evalHarmful.length > 0 ? { evalHarmful: options.evalHarmful } : {}),
    ...(options.out !== undefined ? { outDir: options.out } : {}),
    log: (line) => io.stderr.write(`mllr eval: ${line}\n`),
  });
  io.stdout.write(options.json ? evalJson(report) : formatEvalReport(report));
  return 0;
}
