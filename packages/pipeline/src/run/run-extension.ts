import { canonicalJson } from './canonical-hash.js';

/** How a config compares with the config of a finished run in the same folder. */
export type RunExtension =
  /** Nothing to add: the finished run already holds these results. */
  | { kind: 'same' }
  /** More seeds, strategies, sets, sweep values or validation, everything else as before: the run can be extended. */
  | { kind: 'extends'; added: string[] }
  /** A change that would make finished results stale: the run cannot be extended. */
  | { kind: 'changed'; problems: string[] };

/** At most this many changed settings are named in the message. */
const SHOWN_CHANGES = 6;

/**
 * Whether `next` extends the finished run of `previous` (both resolved run configs as JSON): it may raise `seeds`,
 * add strategies, raise a strategy's `count` or add sweep values, turn on `validate` (or raise its seeds) and change
 * `comparisons`, and must keep every other setting, every finished strategy's definition included, so the results the
 * folder holds stay exactly what the new config would compute.
 */
export function compareForExtension(previous: Record<string, unknown>, next: Record<string, unknown>): RunExtension {
  const problems: string[] = [];
  const added: string[] = [];
  const {
    seeds: prevSeeds,
    strategies: prevStrategies,
    validate: prevValidate,
    comparisons: prevComparisons,
    ...prevRest
  } = previous;
  const {
    seeds: nextSeeds,
    strategies: nextStrategies,
    validate: nextValidate,
    comparisons: nextComparisons,
    ...nextRest
  } = next;
  compareValidation(prevValidate, nextValidate, added, problems);
  // Only the report reads the comparisons: other ones redo the report and leave every result as it is.
  if (canonicalJson(prevComparisons ?? null) !== canonicalJson(nextComparisons ?? null)) added.push('comparisons');

  const before = typeof prevSeeds === 'number' ? prevSeeds : 1;
  const after = typeof nextSeeds === 'number' ? nextSeeds : 1;
  if (after < before) problems.push(`seeds: ${after} is fewer than the finished run's ${before}`);
  else if (after > before) added.push(`seeds ${before} → ${after}`);

  const byId = (list: unknown) =>
    new Map((Array.isArray(list) ? list : []).map((s: { id?: unknown }) => [String(s.id), s] as const));
  const oldStrategies = byId(prevStrategies);
  const newStrategies = byId(nextStrategies);
  for (const [id, strategy] of oldStrategies) {
    const now = newStrategies.get(id);
    if (now === undefined) problems.push(`strategies: ${id} is missing (a finished strategy cannot be removed)`);
    else if (canonicalJson(now) !== canonicalJson(strategy)) {
      const grown = grownStrategy(strategy as Record<string, unknown>, now as Record<string, unknown>);
      if (grown !== undefined) added.push(`strategies ${id} (${grown})`);
      else problems.push(`strategies: ${id} is defined differently than in the finished run`);
    }
  }
  const newIds = [...newStrategies.keys()].filter((id) => !oldStrategies.has(id));
  if (newIds.length > 0) added.push(`strategies ${newIds.join(', ')}`);

  problems.push(...changedPaths(prevRest, nextRest, '').map((path) => `${path} differs from the finished run`));
  if (problems.length > 0) {
    const shown = problems.slice(0, SHOWN_CHANGES);
    if (problems.length > shown.length) shown.push(`and ${problems.length - shown.length} more`);
    return { kind: 'changed', problems: shown };
  }
  return added.length === 0 ? { kind: 'same' } : { kind: 'extends', added };
}

/**
 * How a finished strategy grows without touching its finished runs, or undefined when it changed otherwise: more sets
 * (`count` raised from 2 or more: sets 1 … k keep their ids and search seeds; from 1 the plain run id would become
 * `~1`) and more sweep values of the same option (each value's runs keep their ids and inputs).
 */
function grownStrategy(before: Record<string, unknown>, after: Record<string, unknown>): string | undefined {
  const { count: countBefore = 1, sweep: sweepBefore, ...restBefore } = before;
  const { count: countAfter = 1, sweep: sweepAfter, ...restAfter } = after;
  if (canonicalJson(restBefore) !== canonicalJson(restAfter)) return undefined;
  const grown: string[] = [];
  if (countAfter !== countBefore) {
    if ((countBefore as number) < 2 || (countAfter as number) < (countBefore as number)) return undefined;
    grown.push(`count ${String(countBefore)} → ${String(countAfter)}`);
  }
  if (canonicalJson(sweepBefore ?? null) !== canonicalJson(sweepAfter ?? null)) {
    const [optionBefore, valuesBefore] = Object.entries((sweepBefore ?? {}) as Record<string, number[]>)[0] ?? [];
    const [optionAfter, valuesAfter] = Object.entries((sweepAfter ?? {}) as Record<string, number[]>)[0] ?? [];
    if (
      optionBefore === undefined ||
      optionBefore !== optionAfter ||
      !valuesBefore!.every((v) => valuesAfter!.includes(v))
    )
      return undefined;
    grown.push(`sweep ${optionAfter} + ${valuesAfter!.filter((v) => !valuesBefore!.includes(v)).join(', ')}`);
  }
  return grown.join(', ');
}

/**
 * The `validate` section (the per-module ground truth): turning it on, or raising its seeds, adds module runs and
 * keeps every finished result; any other change would make validation.json stale. A run finished before the section
 * existed has none, which means off.
 */
function compareValidation(previous: unknown, next: unknown, added: string[], problems: string[]): void {
  const section = (v: unknown) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {});
  const before = section(previous);
  const after = section(next);
  if (before.enabled !== true) {
    if (after.enabled === true) added.push('validate');
    return;
  }
  if (after.enabled !== true) {
    problems.push(
      'validate.enabled: the finished run validated its modules; turning it off would drop validation.json',
    );
    return;
  }
  const { seeds: seedsBefore = 1, ...restBefore } = before;
  const { seeds: seedsAfter = 1, ...restAfter } = after;
  if ((seedsAfter as number) < (seedsBefore as number))
    problems.push(`validate.seeds: ${String(seedsAfter)} is fewer than the finished run's ${String(seedsBefore)}`);
  else if ((seedsAfter as number) > (seedsBefore as number))
    added.push(`validate.seeds ${String(seedsBefore)} → ${String(seedsAfter)}`);
  problems.push(
    ...changedPaths(restBefore, restAfter, 'validate').map((path) => `${path} differs from the finished run`),
  );
}

/** The config paths (`training.learning_rate`) whose values differ between two JSON values. */
function changedPaths(a: unknown, b: unknown, path: string): string[] {
  if (canonicalJson(a) === canonicalJson(b)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObject(a) || !isObject(b)) return [path || '(the config)'];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((key) => changedPaths(a[key], b[key], path ? `${path}.${key}` : key));
}
