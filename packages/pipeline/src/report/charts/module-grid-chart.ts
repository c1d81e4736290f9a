import type { TopLevelSpec } from 'vega-lite';

/** One cell of a module grid: its module type (row) and layer (column), the label written in it, and whether it is in Mods_Robust. */
export interface ModuleGridCell {
  type: string;
  row: number;
  layer: string;
  column: number;
  label: string;
  robust: boolean;
}

/** How a module grid colours its cells, outlines Mods_Robust, and when a cell's label turns white. */
export interface ModuleGridStyle {
  color: { field: string; scheme: 'viridis' | 'reds'; title: string };
  /** Stroke colour of the Mods_Robust outline. */
  outline: string;
  /** Vega expression true on cells dark enough for a white label. */
  darkCell: string;
}

/**
 * The module type (rows) × layer (columns) grid that the robustness and harm-sensitivity heatmaps share, so the two
 * keep the same layout and read side by side.
 */
export function moduleGridSpec<C extends ModuleGridCell>(cells: readonly C[], style: ModuleGridStyle): TopLevelSpec {
  return {
    data: { values: [...cells] },
    width: { step: 52 },
    height: { step: 24 },
    encoding: {
      x: {
        field: 'layer',
        type: 'ordinal',
        sort: { field: 'column', op: 'min' },
        title: 'layer',
        axis: { labelAngle: 0, orient: 'top' },
      },
      y: { field: 'type', type: 'ordinal', sort: { field: 'row', op: 'min' }, title: 'module type' },
    },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          color: {
            field: style.color.field,
            type: 'quantitative',
            scale: { scheme: style.color.scheme },
            title: style.color.title,
          },
        },
      },
      {
        transform: [{ filter: 'datum.robust' }],
        mark: { type: 'rect', filled: false, stroke: style.outline, strokeWidth: 2.5 },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          text: { field: 'label', type: 'nominal' },
          color: { condition: { test: style.darkCell, value: 'white' }, value: 'black' },
        },
      },
    ],
    config: { view: { stroke: null } },
  };
}
