import { serviceToken, type DependencyContainer } from '../di.js';
import { MllrError } from '../errors.js';

/** Something that holds memory, sessions or files until it is disposed: an engine, a scratch folder. */
export interface OwnedResource {
  dispose(): Promise<void> | void;
}

/**
 * What a scope (one stage, one job) opened and must release when it ends, whether it finished or failed. The
 * pipeline registers one per scope container with a container-scoped lifetime and disposes that container when the
 * scope ends, which disposes what was owned in the reverse order it was owned. Engines open asynchronously, so they
 * cannot be built by the container; a stage opens them and hands them over with {@link own}.
 */
export interface ResourceScope {
  /** Takes `resource` over until the scope ends; returns it. */
  own<T extends OwnedResource>(resource: T): T;
  /** Disposes an owned `resource` now, before the scope ends (one model's engine before the next model's opens). */
  release(resource: OwnedResource): Promise<void>;
}

/** DI token for {@link ResourceScope}. */
export const ResourceScope = serviceToken('ResourceScope');

/** The {@link ResourceScope} of `container` (a stage's or a job's `context.container`). */
export function resourceScope(container: DependencyContainer): ResourceScope {
  if (!container.isRegistered(ResourceScope, true)) {
    throw new MllrError(
      'INTERNAL',
      "this container has no ResourceScope: build it with the pipeline's composition root (createRunContainer)",
    );
  }
  return container.resolve<ResourceScope>(ResourceScope);
}
