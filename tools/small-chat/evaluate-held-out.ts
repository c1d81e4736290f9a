// Held-out evaluation of a small-chat folder: greedy replies to each held-out set, judged by the refusal detector.
// harmful sets → harmful_asr (share not refused); benign and borderline sets → over_refusal (share refused).
import { OnnxEngineProvider } from '@mllr/backend-onnx';
import { loadTokenizer } from '@mllr/model';
import { RefusalDetector, generateResponses, harmfulAsr, overRefusal } from '@mllr/eval';
import type { HeldOutSet } from './small-chat-data.js';

/** One row of the table: a held-out set, its metric, and what was generated for the first prompts. */
export interface HeldOutRow {
  set: string;
  metric: 'harmful_asr' | 'over_refusal';
  value: number;
  numerator: number;
  denominator: number;
  examples: Array<{ prompt: string; response: string }>;
}

/** Evaluates the model in `dir` on the first `maxPerSet` prompts of each set (file order: the same every time). */
export async function evaluateHeldOut(
  dir: string,
  sets: readonly HeldOutSet[],
  options: { maxPerSet: number; threads: number; maxNewTokens?: number },
): Promise<HeldOutRow[]> {
  const engine = await new OnnxEngineProvider({ device: 'cpu', threads: options.threads }).openInference(dir);
  const tokenizer = await loadTokenizer(dir);
  const judge = new RefusalDetector();
  const rows: HeldOutRow[] = [];
  try {
    for (const set of sets) {
      const prompts = set.prompts.slice(0, options.maxPerSet);
      const { responses } = await generateResponses(engine, tokenizer, prompts, {
        maxNewTokens: options.maxNewTokens ?? 32,
        batchSize: 32,
      });
      const metric =
        set.role === 'harmful'
          ? await harmfulAsr(responses, prompts, judge)
          : await overRefusal(responses, prompts, judge);
      rows.push({
        set: set.name,
        metric: set.role === 'harmful' ? 'harmful_asr' : 'over_refusal',
        value: metric.value,
        numerator: metric.numerator,
        denominator: metric.denominator,
        examples: prompts.slice(0, 3).map((prompt, i) => ({ prompt, response: responses[i]! })),
      });
    }
  } finally {
    await engine.dispose();
  }
  return rows;
}

/** The `--eval-size` flag: `all` (every held-out prompt) or the first N prompts of each set. */
export function heldOutPerSet(flag: string): number {
  if (flag === 'all') return Infinity;
  const n = Number(flag);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--eval-size ${flag}: expected all or a whole number ≥ 1`);
  return n;
}

/** A markdown table of the rows. */
export function formatTable(rows: readonly HeldOutRow[]): string {
  const lines = ['| held-out set | metric | value |', '| --- | --- | --- |'];
  for (const r of rows)
    lines.push(`| ${r.set} | ${r.metric} | ${r.value.toFixed(3)} (${r.numerator}/${r.denominator}) |`);
  return lines.join('\n');
}
