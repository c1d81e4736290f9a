import { median, type BenchReport, type EngineResult, type TaskResult } from '@mllr/pipeline';

const TASKS = ['train', 'forward', 'generate'] as const;
const TASK_UNITS: Record<(typeof TASKS)[number], string> = {
  train: 'tokens/s',
  forward: 'tokens/s',
  generate: 'new tokens/s',
};

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
  return rows.map((r) =>
    r
      .map((cell, c) => (c < 2 || c === r.length - 1 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join('  ')
      .trimEnd(),
  );
}

function peerRatio(report: BenchReport, engine: string, task: (typeof TASKS)[number]): number | null | undefined {
  const r = report.ratios;
  if (!r) return undefined;
  return r[task][engine] ?? null;
}

/** The thread counts tried when there were several, as `1 thr 9000, 2 thr 12000`; empty otherwise. */
export function formatTries(t: Pick<TaskResult, 'tries'>): string {
  return t.tries.length > 1 ? t.tries.map((x) => `${x.threads} thr ${fixed(x.tokens_per_s, 0)}`).join(', ') : '';
}

/** Bytes as GiB or MiB with one decimal. */
export function formatBytes(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function engineRows(report: BenchReport, name: string, result: EngineResult): string[][] {
  return TASKS.filter((t) => result[t]).map((task) => {
    const t = result[task] as TaskResult;
    const row = [
      `${name} (${result.device}, ${t.threads} thr)`,
      task,
      `${fixed(t.tokens_per_s, 0)} ${TASK_UNITS[task]}`,
      `${fixed(t.median_s, 3)} s`,
      fixed(t.gflops, 1),
      percent(t.fraction_of_ceiling),
      percent(t.fraction_of_engine_matmul),
    ];
    if (report.peer) row.push(formatRatio(peerRatio(report, name, task)));
    row.push(formatTries(t));
    return row;
  });
}

function ratioLine(values: Record<string, number | null>): string {
  const entries = Object.entries(values);
  return entries.length ? entries.map(([engine, v]) => `${engine} ${formatRatio(v)}`).join(', ') : '-';
}

/** `mllr bench` without --json: the numbers as an aligned table, the MatMul ceiling, the peer and the stage times. */
export function formatBenchReport(report: BenchReport): string {
  const s = report.shape;
  const lines = [
    `mllr bench: ${report.model}`,
    `shape: train and forward ${s.batch} × ${s.sequence} tokens; generation ${s.generateBatch} prompts × ${s.promptLength} tokens + ${s.newTokens} new tokens (KV cache, greedy)`,
    `each number: median of ${report.repeats} timed runs after ${report.warmup} warm-up`,
    `MatMul ${report.matmul.size}³ ceiling: ${fixed(report.matmul.ceiling_gflops, 1)} GFLOP/s (${report.matmul.ceiling_source}); ${Object.entries(
      report.matmul.gflops,
    )
      .map(([e, g]) => `${e} ${fixed(g, 1)}`)
      .join(', ')} GFLOP/s`,
    '',
  ];
  const header = ['engine', 'task', 'throughput', 'median', 'GFLOP/s', 'of ceiling', 'of own MatMul'];
  if (report.peer) header.push('vs PyTorch');
  header.push('tokens/s by threads');
  const rows = [header];
  for (const [name, result] of Object.entries(report.engines)) rows.push(...engineRows(report, name, result));
  if (report.peer) {
    const p = report.peer;
    const peerRow = (task: 'train' | 'forward' | 'generate', value: number, runs: number[], unit: string) => {
      const mid = runs.length ? median(runs) : 0;
      const byThreads =
        p.tries.length > 1
          ? p.tries
              .map(
                (x) =>
                  `${x.threads} thr ${fixed(task === 'generate' ? x.generate_new_tokens_per_s : task === 'train' ? x.train_tokens_per_s : x.forward_tokens_per_s, 0)}`,
              )
              .join(', ')
          : '';
      return [
        `pytorch (${p.device}, ${p.best_threads[task]} thr)`,
        task,
        `${fixed(value, 0)} ${unit}`,
        `${fixed(mid, 3)} s`,
        '',
        '',
        '',
        '',
        byThreads,
      ];
    };
    rows.push(peerRow('train', p.train_tokens_per_s, p.runs_s.train, 'tokens/s'));
    rows.push(peerRow('forward', p.forward_tokens_per_s, p.runs_s.forward, 'tokens/s'));
    rows.push(peerRow('generate', p.generate_new_tokens_per_s, p.runs_s.generate, 'new tokens/s'));
  }
  lines.push(...pad(rows));
  for (const [what, reason] of Object.entries(report.skipped)) lines.push(`skipped ${what}: ${reason}`);
  lines.push(
    `peak resident memory of mllr bench: ${formatBytes(report.peak_rss_bytes)}${report.peer?.peak_rss_bytes ? `; of the PyTorch peer: ${formatBytes(report.peer.peak_rss_bytes)}` : ''}`,
  );
  if (report.peer && report.ratios) {
    const r = report.ratios;
    const bt = report.peer.best_threads;
    lines.push(
      '',
      `PyTorch ${report.peer.torch_version} (${report.peer.blas}), best of ${report.peer.tries.map((x) => x.threads).join(' and ')} threads (train ${bt.train}, forward ${bt.forward}, generate ${bt.generate}), MatMul ${fixed(report.peer.matmul_gflops, 1)} GFLOP/s`,
      ...(/reference BLAS/.test(report.peer.blas)
        ? [
            'warning: PyTorch runs on the reference BLAS, which makes every ratio flatter mllr; run tools/bench/fetch-openblas.sh (or install libopenblas0-pthread)',
          ]
        : []),
      `mllr / PyTorch's best, this run's medians: train ${ratioLine(r.train)} · forward ${ratioLine(r.forward)} · generate ${ratioLine(r.generate)}`,
    );
  }
  lines.push('');
  const st = report.stage_timings;
  if (st.run === null) lines.push(`stage timings: ${st.note}`);
  else {
    const entries = Object.entries(st.timings_s);
    const total = entries.reduce((sum, [, v]) => sum + v, 0);
    lines.push(
      `stage timings of ${st.run}:`,
      `  ${entries.map(([stage, v]) => `${stage} ${fixed(v, 1)} s`).join(' · ')} · total ${fixed(total, 1)} s`,
    );
  }
  return `${lines.join('\n')}\n`;
}
