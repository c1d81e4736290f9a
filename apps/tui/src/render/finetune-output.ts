import type { FinetuneResult, FinetuneStart, FinetuneStep } from '@mllr/pipeline';
import { formatDuration, formatNumber } from '../dashboard/run-view-state.js';

/** Shows an `mllr finetune` run: a progress bar, plain lines or JSON lines. */
export interface FinetuneRenderer {
  start(start: FinetuneStart): void;
  step(step: FinetuneStep): void;
  /** Called once, after the result is published or the run failed; resolves when the output is complete. */
  finish(result: FinetuneResult | undefined): Promise<void>;
}

/** Machine output: one `{"step", "loss", "grad_norm", "tokens"}` per step, then `{"out", …}`; nothing else on stdout. */
export function renderFinetuneJson(stdout: NodeJS.WritableStream): FinetuneRenderer {
  return {
    start() {},
    step(s) {
      stdout.write(`${JSON.stringify({ step: s.step, loss: s.loss, grad_norm: s.gradNorm, tokens: s.tokens })}\n`);
    },
    async finish(result) {
      if (!result) return;
      const { out, steps, firstLoss, finalLoss, tokens, elapsedS } = result;
      stdout.write(
        `${JSON.stringify({ out, steps, first_loss: firstLoss, final_loss: finalLoss, tokens, elapsed_s: elapsedS })}\n`,
      );
    },
  };
}

/** Plain output for logs and pipes: what is trained, one line per step, where the result went. */
export function renderFinetuneLines(stdout: NodeJS.WritableStream): FinetuneRenderer {
  return {
    start(s) {
      stdout.write(`${describeStart(s)}\n`);
    },
    step(s) {
      stdout.write(`${formatStep(s)}\n`);
    },
    async finish(result) {
      if (result) stdout.write(`${describeResult(result)}\n`);
    },
  };
}

/** The opening line: engine, data, steps and each group's rate. */
export function describeStart(s: FinetuneStart): string {
  const groups = s.groups
    .map((g) => `${g.name} ${g.tensors} tensor${g.tensors === 1 ? '' : 's'} at lr ${formatNumber(g.learningRate)}`)
    .join(', ');
  const data = s.dataKind === 'tokenized' ? 'pre-tokenized examples' : 'examples';
  const reasons = Object.entries(s.skipped);
  const skipped =
    reasons.length > 0
      ? ` (skipped ${reasons.map(([reason, n]) => `${n} ${reason.replaceAll('_', ' ')}`).join(', ')})`
      : '';
  return `fine-tuning on ${s.engine} (${s.device}): ${s.examples} ${data}${skipped}, ${s.steps} step${s.steps === 1 ? '' : 's'}; ${groups}`;
}

/** One step as a line. */
export function formatStep(s: FinetuneStep): string {
  return `step ${s.step}/${s.steps}  loss ${s.loss.toFixed(4)}  grad_norm ${formatNumber(s.gradNorm)}  tokens ${s.tokens}`;
}

/** The closing line. */
export function describeResult(r: FinetuneResult): string {
  return `saved ${r.out} (loss ${r.firstLoss.toFixed(4)} → ${r.finalLoss.toFixed(4)} over ${r.steps} steps, ${formatDuration(r.elapsedS)}); finetune.json records the groups, settings and curve`;
}
