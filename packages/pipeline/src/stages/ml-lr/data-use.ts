import type { DatasetSource, StageContext } from '@mllr/core';
import { unknownTokenRate, unknownTokenWarning, type DataFileUse, type DataUseArtifact } from './data-ledger.js';
import type { RunResources } from './run-resources.js';

/** Which of the run's data sets a stage uses. */
export type DataUseKind = 'probe' | 'ift' | 'eval';

const EVAL_LISTS = [
  ['harmful_eval', 'harmful'],
  ['benign_eval', 'benign'],
  ['usability_eval', 'usability'],
  ['expertise_eval', 'expertise'],
] as const;

/**
 * The datasets behind one use (their files, or the embedded world's sets where the config names none): records
 * read and skipped per file and reason, the share of unknown tokens in their prompts, and a warning for each
 * dataset the model's tokenizer cannot read. Reads (and for `ift`, tokenizes) what the stage would anyway.
 */
export async function collectDataUse(resources: RunResources, use: DataUseKind): Promise<DataUseArtifact> {
  const { data } = resources.config;
  const tokenizer = await resources.modelTokenizer();
  const sets = await resources.data();
  if (use === 'ift') await resources.iftExamples(); // counts the examples that cannot be trained on
  const files: Record<string, DataFileUse> = {};
  const warnings: string[] = [];
  const add = (name: string, base: DataFileUse, prompts: readonly string[]) => {
    const rate = unknownTokenRate(prompts, tokenizer);
    files[name] = { ...base, ...(rate !== undefined ? { unknown_tokens: Math.round(rate * 1e4) / 1e4 } : {}) };
    const warning = unknownTokenWarning(name, rate);
    if (warning !== undefined) warnings.push(warning);
  };
  const addFiles = async (sources: readonly DatasetSource[]) => {
    for (const source of sources) {
      if (source.path in files) continue;
      add(
        source.path,
        resources.ledger.use(source.path, use === 'ift'),
        (await resources.readSource(source)).map((s) => s.prompt),
      );
    }
  };
  const world = (set: string, count: number, prompts: readonly string[]) =>
    add(`embedded world (${set})`, { records: count, skipped: {} }, prompts);

  if (use === 'probe') {
    if (data.probe.harmful.length > 0) await addFiles([...data.probe.harmful, ...data.probe.benign]);
    else
      world('probe', sets.probe.harmful.length + sets.probe.benign.length, [
        ...sets.probe.harmful,
        ...sets.probe.benign,
      ]);
  } else if (use === 'ift') {
    if (data.ift) await addFiles([data.ift]);
    else
      world(
        'ift',
        sets.ift.length,
        sets.ift.map((s) => s.prompt),
      );
  } else {
    for (const [key, metric] of EVAL_LISTS) {
      if (data[key].length > 0) await addFiles(data[key]);
      else
        world(
          `${metric} eval`,
          sets.eval[metric].length,
          sets.eval[metric].map((s) => s.prompt),
        );
    }
  }
  return { files, warnings };
}

/**
 * Writes data/<stage>.json for the stage's use of the data and logs what it found: skipped records (info) and
 * unreadable datasets (warn). The report gathers these files.
 */
export async function recordDataUse(
  context: StageContext,
  resources: RunResources,
  use: DataUseKind,
): Promise<DataUseArtifact> {
  return writeDataUse(context, await collectDataUse(resources, use));
}

/**
 * data/<stage>.json for files a stage read before there is a model to tokenize with (pretraining): records read and
 * skipped, no unknown-token share.
 */
export async function recordFilesRead(
  context: StageContext,
  resources: RunResources,
  sources: readonly DatasetSource[],
): Promise<DataUseArtifact> {
  const files: Record<string, DataFileUse> = {};
  for (const source of sources) files[source.path] = resources.ledger.use(source.path);
  return writeDataUse(context, { files, warnings: [] });
}

async function writeDataUse(context: StageContext, artifact: DataUseArtifact): Promise<DataUseArtifact> {
  for (const [file, { records, skipped }] of Object.entries(artifact.files)) {
    const counts = Object.entries(skipped);
    if (counts.length === 0) continue;
    const total = counts.reduce((n, [, c]) => n + c, 0);
    context.log(
      `${file}: skipped ${total} of ${records} records (${counts.map(([reason, n]) => `${reason.replaceAll('_', ' ')} ${n}`).join(', ')})`,
    );
  }
  for (const warning of artifact.warnings) context.log(warning, 'warn');
  await context.store.writeJson(`data/${context.stage}.json`, artifact);
  return artifact;
}
