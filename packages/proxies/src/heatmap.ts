import { MODULE_TYPES, parseModuleId, type ModuleScore, type ModuleType } from '@mllr/core';

/** Module scores laid out as module type × layer (rows: q…down; columns: layer 0…L−1). */
export interface RobustnessHeatmap {
  types: ModuleType[];
  layers: number[];
  /** values[typeIndex][layer]; null where a module was not scored. */
  values: (number | null)[][];
}

/** Arranges scores into the module-type × layer grid the dashboard and report draw. */
export function robustnessHeatmap(scores: readonly ModuleScore[], numLayers: number): RobustnessHeatmap {
  const values = MODULE_TYPES.map(() => Array.from({ length: numLayers }, (): number | null => null));
  for (const { module, score } of scores) {
    const { layer, type } = parseModuleId(module);
    if (layer < numLayers) values[MODULE_TYPES.indexOf(type)]![layer] = score;
  }
  return { types: [...MODULE_TYPES], layers: Array.from({ length: numLayers }, (_, l) => l), values };
}

/** The grid as aligned plain text (for logs and terminals without colour). */
export function formatHeatmap(heatmap: RobustnessHeatmap, digits = 3): string {
  const header = ['      ', ...heatmap.layers.map((l) => `L${l}`.padStart(digits + 3))].join(' ');
  const rows = heatmap.types.map((type, t) =>
    [
      type.padEnd(6),
      ...heatmap.values[t]!.map((v) => (v === null ? '-' : v.toFixed(digits)).padStart(digits + 3)),
    ].join(' '),
  );
  return [header, ...rows].join('\n');
}
