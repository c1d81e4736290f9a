import { canonicalJson } from './canonical-hash.js';

/** How a config compares with the config of a finished run in the same folder. */
export type RunExtension =
  /** Nothing to add: the finished run already holds these results. */
  | { kind: 'same' }
  /** More seeds and/or more strategies, everything else as before: the run can be extended. */
  | { kind: 'extends'; added: string[] }
  /** A change that would make finished results stale: the run cannot be extended. */
  | { kind: 'changed'; problems: string[] };

/** At most this many changed settings are named in the message. */
const SHOWN_CHANGES = 6;

/**
 * Whether `next` extends the finished run of `previous` (both resolved run configs as JSON): it may raise `seeds`
 * and add strategies, and must keep every other setting, every finished strategy's definition included, so the
 * results the folder holds stay exactly what the new config would compute.
 */
export function compareForExtension(previous: Record<string, unknown>, next: Record<string, unknown>): RunExtension {
  const problems: string[] = [];
  const added: string[] = [];
  const { seeds: prevSeeds, strategies: prevStrategies, ...prevRest } = previous;
  const { seeds: nextSeeds, strategies: nextStrategies, ...nextRest } = next;

  const before = typeof prevSeeds === 'number' ? prevSeeds : 1;
  const after = typeof nextSeeds === 'number' ? nextSeeds : 1;
  if (after < before) problems.push(`seeds: ${after} is fewer than the finished run's ${before}`);
  else if (after > before) added.push(`seeds ${before} → ${after}`);

  const byId = (list: unknown) => new Map((Array.isArray(list) ? list : []).map((s: { id?: unknown }) => [String(s.id), s] as const));
  const oldStrategies = byId(prevStrategies);
  const newStrategies = byId(nextStrategies);
  for (const [id, strategy] of oldStrategies) {
    const now = newStrategies.get(id);
    if (now === undefined) problems.push(`strategies: ${id} is missing (a finished strategy cannot be removed)`);
    else if (canonicalJson(now) !== canonicalJson(strategy)) problems.push(`strategies: ${id} is defined differently than in the finished run`);
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

/** The config paths (`training.learning_rate`) whose values differ between two JSON values. */
function changedPaths(a: unknown, b: unknown, path: string): string[] {
  if (canonicalJson(a) === canonicalJson(b)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObject(a) || !isObject(b)) return [path || '(the config)'];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((key) => changedPaths(a[key], b[key], path ? `${path}.${key}` : key));
}
