import {
  MllrError,
  StoppedError,
  type DependencyContainer,
  type EventSink,
  type RunConfig,
  type Stage,
  type StageContext,
} from '@mllr/core';
import { withScope } from '../plugins/composition-root.js';
import { hashValue } from './canonical-hash.js';
import type { FsRunStore } from './fs-run-store.js';
import { StageStore } from './stage-store.js';

/** What the runner needs besides the stages. */
export interface StageRunnerOptions {
  config: RunConfig;
  store: FsRunStore;
  container: DependencyContainer;
  events: EventSink;
  signal: AbortSignal;
  /** Rerun every stage even when its stored result is current. */
  force?: boolean;
}

/**
 * Runs stages in order. A stage whose record matches its input hash (config inputs plus every upstream hash) and
 * whose artifacts all exist is skipped; otherwise it runs, and its record is written only after it returns, so a
 * stage killed half-way runs again from its start.
 */
export class StageRunner {
  constructor(private readonly options: StageRunnerOptions) {}

  async run(stages: readonly Stage[]): Promise<void> {
    const { config, store, events, force } = this.options;
    checkUniqueNames(stages);
    const upstream: string[] = [];
    for (const [index, stage] of stages.entries()) {
      this.throwIfStopped();
      const hash = hashValue({
        stage: stage.name,
        inputs: stage.hashInputs ? stage.hashInputs(config) : config,
        upstream,
      });
      upstream.push(hash);
      const base = { type: 'stage' as const, stage: stage.name, index, total: stages.length };
      const record = force ? undefined : await store.stageRecord(stage.name);
      if (record && record.hash === hash) {
        events.emit({ ...base, status: 'skip' });
        continue;
      }
      events.emit({ ...base, status: 'start' });
      const started = performance.now();
      const stageStore = new StageStore(store, stage.name, events);
      try {
        // The stage's own scope: the engines it owns are disposed when it ends, whether it finished or failed.
        await withScope(this.options.container, (scope) =>
          stage.run(this.contextFor(stage, stageStore, scope, force ? undefined : hash)),
        );
      } catch (error) {
        if (error instanceof StoppedError) throw error;
        events.emit({ ...base, status: 'fail' });
        if (error instanceof MllrError) throw error;
        throw new MllrError(
          'STAGE_FAILED',
          `stage ${stage.name} failed: ${(error as Error)?.message ?? String(error)}`,
          { cause: error },
        );
      }
      const elapsedS = (performance.now() - started) / 1000;
      await store.recordStage({
        stage: stage.name,
        hash,
        artifacts: [...stageStore.written],
        finishedAt: new Date().toISOString(),
        elapsedS,
      });
      events.emit({ ...base, status: 'done', elapsedS });
    }
  }

  private throwIfStopped(): void {
    if (this.options.signal.aborted) throw new StoppedError();
  }

  private contextFor(
    stage: Stage,
    store: StageStore,
    container: DependencyContainer,
    resumeKey: string | undefined,
  ): StageContext {
    const { config, events, signal } = this.options;
    const name = stage.name;
    return {
      ...(resumeKey !== undefined ? { resumeKey } : {}),
      stage: name,
      config,
      store,
      container,
      signal,
      throwIfStopped: () => this.throwIfStopped(),
      progress: (done, total, opts) => events.emit({ type: 'progress', stage: name, done, total, ...opts }),
      metric: (metric, value, opts) => events.emit({ type: 'metric', stage: name, name: metric, value, ...opts }),
      log: (message, level = 'info') => events.emit({ type: 'log', level, message, stage: name }),
      emit: (event) => events.emit(event),
    };
  }
}

function checkUniqueNames(stages: readonly Stage[]): void {
  const seen = new Set<string>();
  for (const stage of stages) {
    if (!/^[a-z0-9][a-z0-9._-]*$/i.test(stage.name)) {
      throw new MllrError(
        'PLUGIN_INVALID',
        `stage name "${stage.name}" must be letters, digits, dot, dash or underscore`,
      );
    }
    if (seen.has(stage.name)) throw new MllrError('PLUGIN_INVALID', `two stages are named "${stage.name}"`);
    seen.add(stage.name);
  }
}
