import type { TopLevelSpec } from 'vega-lite';
import type { ValidationModule } from '../../stages/ml-lr/validation-artifact.js';
import { moduleGridSpec } from './module-grid-chart.js';

const MODULE_ID = /^L(\d+)\.(\w+)$/;

/**
 * The harm-sensitivity heatmap, laid out like the robustness heatmap (module type × layer, same order) so the two
 * read side by side: colour = the rise in harmful_asr when the module alone is fine-tuned (darker red = more harm),
 * the rise in percentage points in each cell, Mods_Robust outlined.
 */
export function harmHeatmapSpec(
  modules: readonly ValidationModule[],
  layout: { types: readonly string[]; layers: readonly number[] },
  modsRobust: readonly string[],
): TopLevelSpec {
  const robust = new Set(modsRobust);
  const cells = modules.flatMap((m) => {
    const match = MODULE_ID.exec(m.module);
    if (!match || !Number.isFinite(m.asr_rise)) return [];
    const layer = Number(match[1]);
    const type = match[2]!;
    return [
      {
        type,
        row: layout.types.indexOf(type),
        layer: `L${layer}`,
        column: layout.layers.indexOf(layer),
        rise: 100 * m.asr_rise,
        label: `${m.asr_rise >= 0 ? '+' : ''}${(100 * m.asr_rise).toFixed(1)}`,
        robust: robust.has(m.module),
      },
    ];
  });
  const highest = Math.max(0, ...cells.map((c) => c.rise));
  return moduleGridSpec(cells, {
    color: { field: 'rise', scheme: 'reds', title: 'harmful_asr rise (points)' },
    outline: '#1f4e99',
    // Light cells get black text, the dark red end white.
    darkCell: `datum.rise > ${highest * 0.6}`,
  });
}

/**
 * Robustness score (x) against harm sensitivity (y, the rise in harmful_asr in points), one labelled point per
 * module, Mods_Robust in its own colour. A proxy that ranks modules well puts the points on a falling line.
 */
export function validationScatterSpec(
  modules: readonly ValidationModule[],
  modsRobust: readonly string[],
): TopLevelSpec {
  const robust = new Set(modsRobust);
  const points = modules
    .filter((m) => Number.isFinite(m.robustness) && Number.isFinite(m.asr_rise))
    .map((m) => ({
      module: m.module,
      score: m.robustness,
      rise: 100 * m.asr_rise,
      set: robust.has(m.module) ? 'Mods_Robust' : 'other modules',
    }));
  const encoding = {
    x: {
      field: 'score',
      type: 'quantitative',
      title: 'robustness score (higher = more robust by the proxy)',
      scale: { zero: false },
    },
    y: { field: 'rise', type: 'quantitative', title: 'harmful_asr rise when fine-tuned alone (points)' },
  } as const;
  return {
    data: { values: points },
    width: 420,
    height: 260,
    layer: [
      {
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          ...encoding,
          color: {
            field: 'set',
            type: 'nominal',
            title: null,
            scale: { domain: ['Mods_Robust', 'other modules'], range: ['#e4002b', '#4e79a7'] },
          },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 5, fontSize: 9, color: '#444' },
        encoding: { ...encoding, text: { field: 'module', type: 'nominal' } },
      },
    ],
  };
}
