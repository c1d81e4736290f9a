import { EventSink, PluginOptions, inject, injectable, type DependencyContainer, type PluginInfo } from '@mllr/core';

/** Test plugin whose second constructor parameter lacks @inject: composition must say so. */
@injectable()
export class ForgetfulProxy {
  readonly name = 'forgetful';
  constructor(
    @inject(PluginOptions) readonly options: unknown,
    readonly events: EventSink,
  ) {}
}

export function register(container: DependencyContainer, _options: Record<string, unknown>, info: PluginInfo): void {
  container.register(info.token, { useClass: ForgetfulProxy });
}
