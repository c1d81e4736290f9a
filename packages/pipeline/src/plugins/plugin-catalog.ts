import type { MllrPluginModule, PluginSlot } from '@mllr/core';

/** Where a built-in plugin lives: a package to import, or a loader for plugins inside the pipeline itself. */
export type CatalogEntry =
  { package: string; summary: string } | { load: () => Promise<MllrPluginModule>; summary: string };

/** The name → package map of built-in plugins, per slot. */
export type CatalogEntries = { readonly [S in PluginSlot]?: Readonly<Record<string, CatalogEntry>> };

/** Built-in plugin names per slot, and where each one comes from. */
export class PluginCatalog {
  constructor(private readonly entries: CatalogEntries) {}

  has(slot: PluginSlot, name: string): boolean {
    return Object.hasOwn(this.entries[slot] ?? {}, name);
  }

  /** Known names for a slot, sorted. */
  names(slot: PluginSlot): string[] {
    return Object.keys(this.entries[slot] ?? {}).sort();
  }

  entry(slot: PluginSlot, name: string): CatalogEntry | undefined {
    return this.has(slot, name) ? this.entries[slot]![name] : undefined;
  }

  /** A catalog with more entries (later ones win); used by tests and embedders. */
  extend(more: CatalogEntries): PluginCatalog {
    const merged: Record<string, Record<string, CatalogEntry>> = {};
    for (const source of [this.entries, more]) {
      for (const [slot, names] of Object.entries(source)) {
        merged[slot] = { ...merged[slot], ...names };
      }
    }
    return new PluginCatalog(merged as CatalogEntries);
  }
}
