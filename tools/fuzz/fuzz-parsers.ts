/**
 * Mutation fuzzing of mllr's file parsers. For each parser: take valid seed files, mutate them (bit flips,
 * truncation, splices, length-field edits, hostile numbers, deep nesting, long runs), run the parser on each input
 * in a worker thread with a per-input timeout and a heap watch, and count what happened. A finding is anything but
 * success or a typed MllrError naming the file: another exception, a hang past the timeout, or memory growth past
 * the limit. Each finding's input is saved for reproduction. One parser at a time; exit code 1 when any finding.
 *
 *   npx tsx tools/fuzz/fuzz-parsers.ts [--parser safetensors,csv|all] [--seconds 300] [--seed 1] [--out DIR (tools/fuzz/findings)]
 *                                      [--timeout-ms 5000] [--memory-mb 1024]
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { FuzzReply, FuzzRequest } from './fuzz-worker.js';
import { mutate, seededRandom } from './mutate.js';
import { TARGETS, type FuzzSeed } from './targets.js';

interface ParserResult {
  parser: string;
  seeds: number;
  inputs: number;
  ok: number;
  typed: Record<string, number>;
  findings: number;
  distinctFindings: string[];
  seconds: number;
}

const { values } = parseArgs({
  options: {
    parser: { type: 'string', default: 'all' },
    seconds: { type: 'string', default: '300' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: fileURLToPath(new URL('./findings', import.meta.url)) },
    'timeout-ms': { type: 'string', default: '5000' },
    'memory-mb': { type: 'string', default: '1024' },
  },
});
const parsers = values.parser === 'all' ? Object.keys(TARGETS) : values.parser.split(',');
for (const p of parsers)
  if (!TARGETS[p]) throw new Error(`unknown parser "${p}"; known: ${Object.keys(TARGETS).join(', ')}`);
const seconds = Number(values.seconds);
const timeoutMs = Number(values['timeout-ms']);
const memoryLimit = Number(values['memory-mb']) * 1024 * 1024;
const outDir = resolve(values.out);

const results: ParserResult[] = [];
for (const parser of parsers) results.push(await fuzzParser(parser, Number(values.seed)));

console.log('\nparser        inputs  ok      typed errors  findings  inputs/s');
for (const r of results) {
  const typed = Object.values(r.typed).reduce((a, b) => a + b, 0);
  console.log(
    `${r.parser.padEnd(13)} ${String(r.inputs).padStart(7)} ${String(r.ok).padStart(7)} ${String(typed).padStart(13)} ${String(r.findings).padStart(9)} ${(r.inputs / r.seconds).toFixed(0).padStart(9)}`,
  );
}
console.log(JSON.stringify({ seconds_per_parser: seconds, results }, null, 1));
process.exit(results.some((r) => r.findings > 0) ? 1 : 0);

async function fuzzParser(parser: string, seedValue: number): Promise<ParserResult> {
  const target = TARGETS[parser]!;
  const seeds = target.seeds();
  if (seeds.length === 0) throw new Error(`no seeds for ${parser}`);
  const pool = seeds.map((s) => s.files[s.mutable]!);
  const random = seededRandom(seedValue);
  const result: ParserResult = {
    parser,
    seeds: seeds.length,
    inputs: 0,
    ok: 0,
    typed: {},
    findings: 0,
    distinctFindings: [],
    seconds: 0,
  };
  const seen = new Set<string>();
  console.log(
    `${parser}: ${seeds.length} seeds, ${seconds} s, timeout ${timeoutMs} ms per input, memory limit ${values['memory-mb']} MB`,
  );
  // Every seed unmutated first: they must parse (a seed that fails means the fuzz run tests nothing useful).
  const inputs: { seed: FuzzSeed; applied: string[] }[] = seeds.map((seed) => ({ seed, applied: [] }));
  const started = Date.now();
  let worker = startWorker();
  let lastReport = started;
  for (let id = 1; Date.now() - started < seconds * 1000; id++) {
    const next = inputs.shift() ?? mutatedInput(seeds, pool, random);
    const verdict = await runOne(worker, { id, target: parser, seed: next.seed });
    result.inputs++;
    if (verdict.kind === 'ok') result.ok++;
    else if (verdict.kind === 'typed') result.typed[verdict.code] = (result.typed[verdict.code] ?? 0) + 1;
    else {
      result.findings++;
      if (next.applied.length === 0) console.log(`  seed ${next.seed.label} does not parse: ${verdict.summary}`);
      const signature = signatureOf(verdict.summary);
      if (!seen.has(signature)) {
        seen.add(signature);
        result.distinctFindings.push(verdict.summary.split('\n')[0]!);
        const saved = saveFinding(parser, next.seed, next.applied, verdict.summary);
        console.log(`  FINDING ${verdict.summary.split('\n')[0]} (input saved in ${saved})`);
      }
      if (verdict.restart) {
        await worker.terminate();
        worker = startWorker();
      }
    }
    if (Date.now() - lastReport > 60_000) {
      lastReport = Date.now();
      console.log(
        `  ${Math.round((lastReport - started) / 1000)} s: ${result.inputs} inputs, ${result.findings} findings`,
      );
    }
  }
  result.seconds = (Date.now() - started) / 1000;
  await worker.terminate();
  console.log(
    `${parser}: ${result.inputs} inputs in ${result.seconds.toFixed(0)} s: ${result.ok} parsed, typed errors ${JSON.stringify(result.typed)}, ${result.findings} findings`,
  );
  return result;
}

function mutatedInput(
  seeds: FuzzSeed[],
  pool: Uint8Array[],
  random: (n: number) => number,
): { seed: FuzzSeed; applied: string[] } {
  const base = seeds[random(seeds.length)]!;
  const { bytes, applied } = mutate(base.files[base.mutable]!, random, pool);
  return { seed: { ...base, files: { ...base.files, [base.mutable]: bytes } }, applied };
}

type Verdict =
  { kind: 'ok' } | { kind: 'typed'; code: string } | { kind: 'finding'; summary: string; restart: boolean };

/** Runs one input, watching the clock and the process's memory; a hang or a blow-up ends the worker. */
function runOne(worker: Worker, request: FuzzRequest): Promise<Verdict> {
  return new Promise((resolvePromise) => {
    const baseline = process.memoryUsage().rss;
    let done = false;
    const finish = (verdict: Verdict) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearInterval(watch);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      resolvePromise(verdict);
    };
    const timer = setTimeout(
      () => finish({ kind: 'finding', summary: `hang: no answer within ${timeoutMs} ms`, restart: true }),
      timeoutMs,
    );
    const watch = setInterval(() => {
      const grown = process.memoryUsage().rss - baseline;
      if (grown > memoryLimit)
        finish({
          kind: 'finding',
          summary: `memory: the process grew by ${(grown / 2 ** 20).toFixed(0)} MB on one input`,
          restart: true,
        });
    }, 20);
    const onMessage = (reply: FuzzReply) => {
      if (reply.id !== request.id) return;
      if (reply.outcome === 'ok') finish({ kind: 'ok' });
      else if (reply.outcome === 'typed') finish({ kind: 'typed', code: reply.code! });
      else
        finish({
          kind: 'finding',
          summary: `${reply.error!.name}: ${reply.error!.message}\n${reply.error!.stack ?? ''}`,
          restart: false,
        });
    };
    const onError = (error: Error) =>
      finish({ kind: 'finding', summary: `worker died: ${error.name}: ${error.message}`, restart: true });
    const onExit = (code: number) =>
      finish({ kind: 'finding', summary: `worker exited with code ${code}`, restart: true });
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(request);
  });
}

function startWorker(): Worker {
  const worker = new Worker(new URL('./fuzz-worker-entry.mjs', import.meta.url), {
    // The heap of the parser's thread is capped, so a runaway allocation dies here instead of taking the machine.
    resourceLimits: { maxOldGenerationSizeMb: Math.max(256, Math.round(memoryLimit / 2 ** 20)) },
  });
  worker.once('exit', () =>
    rmSync(join(tmpdir(), `mllr-fuzz-${process.pid}-${worker.threadId}`), { recursive: true, force: true }),
  );
  return worker;
}

/** What makes two findings the same bug: the error's first line without numbers and paths, and its first frame. */
function signatureOf(summary: string): string {
  const [first = '', ...rest] = summary.split('\n');
  const frame = rest.find((l) => l.trim().startsWith('at ')) ?? '';
  return `${first.replace(/\/\S+/g, 'PATH').replace(/\d+/g, 'N').slice(0, 120)}|${frame.replace(/:\d+:\d+/g, '')}`;
}

function saveFinding(parser: string, seed: FuzzSeed, applied: string[], summary: string): string {
  const hash = createHash('sha256').update(seed.files[seed.mutable]!).digest('hex').slice(0, 12);
  const dir = join(outDir, parser, hash);
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(seed.files)) writeFileSync(join(dir, name), bytes);
  writeFileSync(
    join(dir, 'finding.json'),
    `${JSON.stringify({ parser, seed: seed.label, arg: seed.arg, mutable: seed.mutable, mutations: applied, error: summary }, null, 2)}\n`,
  );
  return dir;
}
