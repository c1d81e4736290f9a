import { assertInjectable, describeToken, type DependencyContainer } from '@mllr/core';

/**
 * Wraps a container so that every class a plugin registers is checked for complete `@inject` annotations at
 * registration time, where the error can still name the plugin, instead of failing obscurely at resolve time.
 */
export function checkedContainer(container: DependencyContainer, context: string): DependencyContainer {
  return new Proxy(container, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property === 'register') {
        return (token: unknown, provider: unknown, ...rest: unknown[]) => {
          const useClass = (provider as { useClass?: unknown } | undefined)?.useClass;
          if (typeof useClass === 'function')
            assertInjectable(useClass as new () => unknown, `${context}: ${describeToken(token as symbol)}`);
          if (typeof provider === 'function')
            assertInjectable(provider as new () => unknown, `${context}: ${describeToken(token as symbol)}`);
          return (target.register as (...a: unknown[]) => unknown)(token, provider, ...rest);
        };
      }
      if (property === 'registerSingleton' || property === 'registerType') {
        return (from: unknown, to?: unknown) => {
          const cls = typeof to === 'function' ? to : from;
          if (typeof cls === 'function')
            assertInjectable(cls as new () => unknown, `${context}: ${describeToken(from as symbol)}`);
          return (value as (...a: unknown[]) => unknown).call(target, from, to);
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
