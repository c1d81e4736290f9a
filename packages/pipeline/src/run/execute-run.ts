import { resolve } from 'node:path';
import { MllrError, StoppedError, toMllrError, type InvalidRecord, type RunConfig, type RunEvent } from '@mllr/core';
import { promptFileSource, readAll } from '@mllr/data';
import { loadRunConfig } from '../config/load-config.js';
import { DataLedger } from '../stages/ml-lr/data-ledger.js';
import { preflightRun } from '../config/preflight.js';
import { BUILTIN_PLUGINS } from '../plugins/builtin-plugins.js';
import type { PluginCatalog } from '../plugins/plugin-catalog.js';
import { createRunContainer } from '../plugins/composition-root.js';
import { RunEventSink } from './run-event-sink.js';
import { RunFolder } from './run-folder.js';
import { StageRunner } from './stage-runner.js';
import type { RunRequest } from '../process/engine-protocol.js';

/** How a run ended. */
export interface RunOutcome {
  exitCode: number;
  error?: MllrError;
}

/**
 * Runs a pipeline in this process: config, run folder, plugin composition, stages. Every event goes to `forward`
 * (and, once the folder exists, to its events.jsonl). Never throws: failures become an error event and an exit code.
 */
export async function executeRun(
  request: RunRequest,
  forward: (event: RunEvent) => void,
  signal: AbortSignal,
  catalog: PluginCatalog = BUILTIN_PLUGINS,
): Promise<RunOutcome> {
  const cwd = request.cwd ?? process.cwd();
  const sink = new RunEventSink(forward);
  let folder: RunFolder | undefined;
  try {
    const loaded = await loadRunConfig(request.configFile && resolve(cwd, request.configFile), catalog);
    const seeded = request.seeds === undefined ? loaded.config : { ...loaded.config, seeds: request.seeds };
    const config = await withEvalHarmful(seeded, request.evalHarmful ?? [], cwd);
    const { container, composer } = createRunContainer({
      config,
      catalog,
      configDir: loaded.dir,
      events: sink,
      // The folder is opened only once the stage set composed, so a config that cannot run leaves no empty run behind.
      store: () => {
        if (!folder) throw new MllrError('INTERNAL', 'the run store is not open yet; resolve it inside a stage');
        return folder.store;
      },
    });
    const stageSet = await composer.load('stages', config.stages, 'stages');
    // The model folder, data files and plugin options, all checked now: a wrong path is one message, not a failed run.
    await preflightRun(loaded, config, catalog, stageSet);

    folder = await RunFolder.open({
      dir: request.outDir ? resolve(cwd, request.outDir) : RunFolder.defaultDir(loaded.file, cwd),
      config,
      configText: loaded.text,
      configFile: loaded.file,
      force: request.force ?? false,
    });
    sink.attachLog(resolve(folder.dir, 'events.jsonl'));
    if (folder.resumed) {
      sink.emit({
        type: 'log',
        level: 'info',
        message: folder.extension?.length
          ? `extending the finished run in ${folder.dir} (${folder.extension.join(', ')}): stages whose inputs did not change are skipped, finished runs are kept`
          : folder.previousConfigHash === folder.configHash
            ? `resuming ${folder.dir}`
            : `resuming ${folder.dir} with a changed config: stages whose inputs changed run again`,
      });
    }
    sink.emit({
      type: 'run',
      status: 'start',
      runDir: folder.dir,
      stages: stageSet.stages.map((s) => s.name),
      info: { config: loaded.file, stages: stageSet.name, ...stageSet.info },
    });
    await new StageRunner({
      config,
      store: folder.store,
      container,
      events: sink,
      signal,
      force: request.force ?? false,
    }).run(stageSet.stages);
    await folder.close('finished');
    sink.emit({ type: 'run', status: 'done', runDir: folder.dir });
    return { exitCode: 0 };
  } catch (thrown) {
    const error = toMllrError(thrown);
    const stopped = thrown instanceof StoppedError || error.code === 'STOPPED';
    sink.emit({ type: 'error', error: error.toJSON(), exitCode: error.exitCode });
    if (folder) {
      await folder.close(stopped ? 'stopped' : 'failed').catch(() => undefined);
    }
    sink.emit({
      type: 'run',
      status: stopped ? 'stopped' : 'failed',
      runDir: folder?.dir ?? '(no run folder was opened)',
    });
    return { exitCode: error.exitCode, error };
  } finally {
    sink.close();
  }
}

/**
 * The config with `mllr run --eval-harmful` files appended to `data.harmful_eval`. Each file is read in full here,
 * before any run folder exists, so a file that cannot be used stops the run at once with DATA_INVALID (exit 2)
 * naming it, not after an hour of training.
 */
export async function withEvalHarmful(config: RunConfig, files: readonly string[], cwd: string): Promise<RunConfig> {
  if (files.length === 0) return config;
  const sources = [];
  for (const file of files) {
    try {
      const source = await promptFileSource(resolve(cwd, file));
      // Under data.on_invalid: skip a few unusable records are fine (the run counts them); a mostly unusable file is not.
      const skipped: InvalidRecord[] = [];
      const samples = await readAll(
        source,
        config.data.on_invalid === 'skip' ? { onInvalid: (record) => skipped.push(record) } : {},
      );
      new DataLedger().read(source.path, samples.length, skipped);
      sources.push(source);
    } catch (error) {
      const problem = toMllrError(error);
      throw new MllrError(problem.code, `--eval-harmful: ${problem.message}`, { cause: error });
    }
  }
  return { ...config, data: { ...config.data, harmful_eval: [...config.data.harmful_eval, ...sources] } };
}
