// tsyringe needs the Reflect metadata API before its decorators run; loading it here means every
// plugin that imports its decorators from @mllr/core gets it without a separate import.
import 'reflect-metadata';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { MllrError } from './errors.js';

export { inject, injectable, Lifecycle, container as rootContainer } from 'tsyringe';
export type { DependencyContainer, InjectionToken } from 'tsyringe';

/**
 * Creates the DI token for a service interface. Tokens live in the global symbol registry so that two copies of
 * @mllr/core (a third-party plugin with its own install, say) still agree on them.
 */
export function serviceToken(name: string): symbol {
  return Symbol.for(`mllr.${name}`);
}

/** Metadata key under which tsyringe's `@inject` records constructor parameter tokens. */
const INJECTION_TOKENS_KEY = 'injectionTokens';

type Constructor = abstract new (...args: never[]) => unknown;

/**
 * Checks that every constructor parameter of `target` carries an explicit `@inject(Token)`.
 * The test transpiler (esbuild) emits no `design:paramtypes`, so a parameter without `@inject` would silently
 * receive `undefined`; this turns that into an error that names the class and the parameter position.
 */
export function assertInjectable(target: Constructor, context: string): void {
  const tokens = (Reflect.getOwnMetadata(INJECTION_TOKENS_KEY, target) ?? {}) as Record<string, unknown>;
  const missing: number[] = [];
  for (let i = 0; i < target.length; i++) {
    if (tokens[String(i)] === undefined) missing.push(i);
  }
  if (missing.length > 0) {
    const className = target.name || '<anonymous class>';
    throw new MllrError(
      'DI_MISSING_INJECT',
      `${context}: constructor parameter${missing.length > 1 ? 's' : ''} ${missing.map((i) => `#${i}`).join(', ')} of ` +
        `${className} ha${missing.length > 1 ? 've' : 's'} no @inject(Token). Every constructor parameter needs an explicit ` +
        `@inject(Token), because decorator metadata is not emitted.`,
    );
  }
}

/** Describes a DI token for messages: the symbol's name or the class name. */
export function describeToken(token: InjectionToken<unknown> | undefined): string {
  if (token === undefined) return 'undefined';
  if (typeof token === 'symbol') return token.description?.replace(/^mllr\./, '') ?? token.toString();
  if (typeof token === 'string') return token;
  if (typeof token === 'function') return token.name || '<anonymous class>';
  return String(token);
}

/** Registers `useClass` after checking its constructor is fully annotated; the way plugins bind their classes. */
export function registerClass<T>(
  container: DependencyContainer,
  token: InjectionToken<T>,
  target: new (...args: never[]) => T,
  context = `binding ${describeToken(token)}`,
): void {
  assertInjectable(target, context);
  container.register(token, { useClass: target as never });
}
