import type { BenchReport, EngineResult, TaskResult } from '@mllr/pipeline';

const TASKS = ['train', 'forward', 'generate'] as const;
const TASK_UNITS: Record<(typeof TASKS)[number], string> = { train: 'tokens/s', forward: 'tokens/s', generate: 'new tokens/s' };

function fixed(n: number, digits: number): string {
  return n.toFixed(digits);
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction < 0.1 ? 1 : 0)}%`;
}

/** A ratio as `1.23×`, or `-` when it could not be measured. */
export function formatRatio(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : `${value.toFixed(2)}×`;
}

function pad(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd());
}

function peerRatio(report: BenchReport, engine: string, task: (typeof TASKS)[number]): number | null | undefined {
  const r = report.ratios;
  if (!r) return undefined;
  if (task === 'train') return engine === report.train_engine ? r.train : null;
  const byEngine = task === 'forward' ? r.forward : r.generate;
  return byEngine[engine as 'tfjs' | 'onnx'];
}

function engineRows(report: BenchReport, name: string, result: EngineResult): string[][] {
  return TASKS.filter((t) => result[t]).map((task) => {
    const t = result[task] as TaskResult;
    const row = [`${name} (${result.device}, ${result.threads} thr)`, task, `${fixed(t.tokens_per_s, 0)} ${TASK_UNITS[task]}`, `${fixed(t.median_s, 3)} s`, fixed(t.gflops, 1), percent(t.fraction_of_ceiling), percent(t.fraction_of_engine_matmul)];
    if (report.peer) row.push(formatRatio(peerRatio(report, name, task)));
    return row;
  });
}

/** `mllr bench` without --json: the numbers as an aligned table, the MatMul ceiling, the peer and the stage times. */
export function formatBenchReport(report: BenchReport): string {
  const s = report.shape;
  const lines = [
    `mllr bench: ${report.model}`,
    `shape: train and forward ${s.batch} × ${s.sequence} tokens; generation ${s.generateBatch} prompts × ${s.promptLength} tokens + ${s.newTokens} new tokens (KV cache, greedy)`,
    `each number: median of ${report.repeats} timed runs after ${report.warmup} warm-up`,
    `MatMul ${report.matmul.size}³ ceiling: ${fixed(report.matmul.ceiling_gflops, 1)} GFLOP/s (${report.matmul.ceiling_source}); ${Object.entries(report.matmul.gflops)
      .map(([e, g]) => `${e} ${fixed(g, 1)}`)
      .join(', ')} GFLOP/s`,
    '',
  ];
  const header = ['engine', 'task', 'throughput', 'median', 'GFLOP/s', 'of ceiling', 'of own MatMul'];
  if (report.peer) header.push('vs PyTorch');
  const rows = [header];
  for (const [name, result] of Object.entries(report.engines)) rows.push(...engineRows(report, name, result));
  if (report.peer) {
    const p = report.peer;
    const peerRow = (task: string, value: number, runs: number[], unit: string) => {
      const row = [`pytorch (${p.device}, ${p.threads} thr)`, task, `${fixed(value, 0)} ${unit}`, `${fixed(runs.length ? [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)]! : 0, 3)} s`, '', '', '', ''];
      return row;
    };
    rows.push(peerRow('train', p.train_tokens_per_s, p.runs_s.train, 'tokens/s'));
    rows.push(peerRow('forward', p.forward_tokens_per_s, p.runs_s.forward, 'tokens/s'));
    rows.push(peerRow('generate', p.generate_new_tokens_per_s, p.runs_s.generate, 'new tokens/s'));
  }
  lines.push(...pad(rows));
  if (report.peer && report.ratios) {
    const r = report.ratios;
    lines.push(
      '',
      `PyTorch ${report.peer.torch_version} (${report.peer.blas}), ${report.peer.threads} threads, MatMul ${fixed(report.peer.matmul_gflops, 1)} GFLOP/s`,
      ...(/reference BLAS/.test(report.peer.blas)
        ? ['warning: PyTorch runs on the reference BLAS, which makes every ratio flatter mllr; run tools/bench/fetch-openblas.sh (or install libopenblas0-pthread)']
        : []),
      `mllr / PyTorch, this run's medians: train (${report.train_engine ?? '-'}) ${formatRatio(r.train)} · forward onnx ${formatRatio(r.forward.onnx)}, tfjs ${formatRatio(r.forward.tfjs)} · generate onnx ${formatRatio(r.generate.onnx)}, tfjs ${formatRatio(r.generate.tfjs)}`,
    );
  }
  lines.push('');
  const st = report.stage_timings;
  if (st.run === null) lines.push(`stage timings: ${st.note}`);
  else {
    const entries = Object.entries(st.timings_s);
    const total = entries.reduce((sum, [, v]) => sum + v, 0);
    lines.push(`stage timings of ${st.run}:`, `  ${entries.map(([stage, v]) => `${stage} ${fixed(v, 1)} s`).join(' · ')} · total ${fixed(total, 1)} s`);
  }
  return `${lines.join('\n')}\n`;
}
