import {
  EventSink,
  PluginOptions,
  inject,
  injectable,
  registerClass,
  type DependencyContainer,
  type ModuleScore,
  type PluginInfo,
  type RobustnessContext,
  type RobustnessProxy,
} from '@mllr/core';
import { z } from 'zod';

/** Test proxy: scores every module with the configured constant and reports through the event sink. */
@injectable()
export class EchoProxy implements RobustnessProxy {
  readonly name = 'echo';

  constructor(
    @inject(PluginOptions) readonly options: { score: number },
    @inject(EventSink) readonly events: EventSink,
  ) {}

  async score(context: RobustnessContext): Promise<ModuleScore[]> {
    this.events.emit({ type: 'log', level: 'info', message: `echo scoring ${context.modules.length} modules` });
    return context.modules.map((module) => ({ module, score: this.options.score }));
  }
}

export function optionsSchema() {
  return z.strictObject({ score: z.number().min(0).max(1) });
}

export function register(container: DependencyContainer, _options: Record<string, unknown>, info: PluginInfo): void {
  registerClass(container, info.token, EchoProxy);
}
