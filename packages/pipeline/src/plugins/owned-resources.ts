import type { OwnedResource, ResourceScope } from '@mllr/core';

/**
 * The pipeline's {@link ResourceScope}: a list of owned resources, disposed last-owned first. Registered with a
 * container-scoped lifetime (see composition-root.ts), so each scope container builds its own and tsyringe's
 * `container.dispose()` calls {@link dispose} when the scope ends.
 */
export class OwnedResources implements ResourceScope {
  private readonly owned: OwnedResource[] = [];

  own<T extends OwnedResource>(resource: T): T {
    this.owned.push(resource);
    return resource;
  }

  async release(resource: OwnedResource): Promise<void> {
    const index = this.owned.lastIndexOf(resource);
    if (index >= 0) this.owned.splice(index, 1);
    await resource.dispose();
  }

  /**
   * Disposes everything still owned, each even when an earlier one fails (an engine that fails to close must not
   * keep the next one open); the first failure is thrown once all were tried.
   */
  async dispose(): Promise<void> {
    let failure: { error: unknown } | undefined;
    while (this.owned.length > 0) {
      const resource = this.owned.pop()!;
      try {
        await resource.dispose();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }
}
