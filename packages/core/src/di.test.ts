import { describe, expect, it } from 'vitest';
import { assertInjectable, inject, injectable, registerClass, rootContainer, serviceToken } from './di.js';

const Clock = serviceToken('TestClock');
const Name = serviceToken('TestName');

@injectable()
class Greeter {
  constructor(
    @inject(Clock) readonly clock: { now(): number },
    @inject(Name) readonly name: string,
  ) {}
}

@injectable()
class HalfAnnotated {
  constructor(
    @inject(Clock) readonly clock: unknown,
    readonly name: string,
  ) {}
}

describe('dependency injection helpers', () => {
  it('tokens are shared across copies of the package', () => {
    expect(serviceToken('TestClock')).toBe(Clock);
    expect(Clock.description).toBe('mllr.TestClock');
  });

  it('registers fully annotated classes and resolves them by token', () => {
    const container = rootContainer.createChildContainer();
    const Service = serviceToken('TestGreeter');
    container.register(Clock, { useValue: { now: () => 42 } });
    container.register(Name, { useValue: 'mllr' });
    registerClass(container, Service, Greeter);
    const greeter = container.resolve<Greeter>(Service);
    expect(greeter.clock.now()).toBe(42);
    expect(greeter.name).toBe('mllr');
  });

  it('names the class and parameter that lack @inject', () => {
    expect(() => assertInjectable(HalfAnnotated, 'test')).toThrow(
      'test: constructor parameter #1 of HalfAnnotated has no @inject(Token).',
    );
    expect(() => assertInjectable(Greeter, 'test')).not.toThrow();
  });
});
