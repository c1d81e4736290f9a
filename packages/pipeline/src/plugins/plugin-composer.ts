import {
  MllrError,
  PLUGIN_SLOTS,
  toMllrError,
  type ConfigProblem,
  PluginOptions,
  describeToken,
  type DependencyContainer,
  type ErrorDetail,
  type PluginLoader,
  type PluginRef,
  type PluginServices,
  type PluginSlot,
} from '@mllr/core';
import { checkedContainer } from './checked-container.js';
import { loadPluginModule } from './load-plugin-module.js';
import type { PluginCatalog } from './plugin-catalog.js';

/** Composes plugins into child containers of the run's container; the pipeline's {@link PluginLoader}. */
export class PluginComposer implements PluginLoader {
  constructor(
    private readonly parent: DependencyContainer,
    private readonly catalog: PluginCatalog,
    private readonly configDir: string,
  ) {}

  async load<S extends PluginSlot>(slot: S, ref: PluginRef, where: string): Promise<PluginServices[S]> {
    const label = ref.name !== undefined ? `${slot} plugin "${ref.name}"` : `${slot} plugin ${ref.module}`;
    const mod = await loadPluginModule(slot, ref, where, this.configDir, this.catalog);
    const token = PLUGIN_SLOTS[slot];
    const name = ref.name ?? ref.module!;

    let options = ref.options;
    const schema = mod.optionsSchema?.(name, slot);
    if (schema) {
      const parsed = schema.safeParse(options);
      if (!parsed.success) {
        const details: ErrorDetail[] = parsed.error.issues.map((issue) => ({
          where: [where, 'options', ...issue.path.map(String)].join('.'),
          message: issue.message,
        }));
        throw new MllrError('CONFIG_INVALID', `options of the ${label} are invalid:`, { details });
      }
      options = parsed.data as Record<string, unknown>;
    }

    const child = this.parent.createChildContainer();
    child.register(PluginOptions, { useValue: options });
    try {
      await mod.register(checkedContainer(child, `${where} (${label})`), options, {
        slot,
        name,
        token,
        configDir: this.configDir,
      });
    } catch (error) {
      if (error instanceof MllrError) throw error;
      throw new MllrError('PLUGIN_INVALID', `${where}: the ${label} failed to register: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (!child.isRegistered(token, false)) {
      throw new MllrError(
        'PLUGIN_INVALID',
        `${where}: the ${label} did not register a ${describeToken(token)} service`,
      );
    }
    // The one place a slot's token meets its service type: tsyringe's symbol tokens carry no type.
    return resolveReadably<PluginServices[S]>(child, token, `${where} (${label})`);
  }
}

/**
 * What {@link PluginComposer.load} would refuse about a plugin reference without registering anything: a module
 * that cannot be loaded, or options its schema rejects; each problem at its key path under `at`.
 */
export async function pluginProblems(
  slot: PluginSlot,
  ref: PluginRef,
  at: readonly (string | number)[],
  configDir: string,
  catalog: PluginCatalog,
): Promise<ConfigProblem[]> {
  const where = at.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${p}`)).join('');
  let mod;
  try {
    mod = await loadPluginModule(slot, ref, where, configDir, catalog);
  } catch (error) {
    const problem = toMllrError(error);
    return [
      {
        path: at,
        message: problem.message.startsWith(`${where}: `) ? problem.message.slice(where.length + 2) : problem.message,
        code: problem.code,
      },
    ];
  }
  const parsed = mod.optionsSchema?.(ref.name ?? ref.module!, slot)?.safeParse(ref.options);
  if (!parsed || parsed.success) return [];
  return parsed.error.issues.map((issue) => ({
    path: [...at, 'options', ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))],
    message: issue.message,
    code: 'CONFIG_INVALID' as const,
  }));
}

/** Resolves a token, turning tsyringe's internal messages into errors that say what to fix. */
export function resolveReadably<T>(container: DependencyContainer, token: symbol, context: string): T {
  try {
    return container.resolve<T>(token);
  } catch (error) {
    if (error instanceof MllrError) throw error;
    throw translateDiError(error, context);
  }
}

function translateDiError(error: unknown, context: string): MllrError {
  const message = error instanceof Error ? error.message : String(error);
  const typeInfo = /TypeInfo not known for "?([^"\s]+)"?/.exec(message);
  if (typeInfo) {
    return new MllrError(
      'DI_MISSING_INJECT',
      `${context}: class ${typeInfo[1]} has constructor parameters but no @injectable() decorator, so its dependencies are unknown`,
    );
  }
  const unregistered = /unregistered dependency token: "?([^"\n]+)"?/.exec(message);
  if (unregistered) {
    const token = unregistered[1]!.replace(/^Symbol\(mllr\.(.*)\)$/, '$1');
    const position = /position #(\d+) of "([^"]+)"/.exec(message);
    const who = position ? `constructor parameter #${position[1]} of ${position[2]}` : 'a dependency';
    return new MllrError(
      'DI_UNRESOLVED',
      token === 'undefined'
        ? `${context}: ${who} has no @inject(Token); every constructor parameter needs one`
        : `${context}: ${who} needs ${token}, which no plugin or the pipeline registered`,
    );
  }
  return new MllrError('DI_UNRESOLVED', `${context}: ${message}`, { cause: error });
}
