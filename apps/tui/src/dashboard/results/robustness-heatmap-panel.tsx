import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { formatScore, HEAT_COLOURS, heatmapGrid, heatStep } from './heatmap-grid.js';

const TYPE_LABEL = 6;

/**
 * Stage `robustness`: module type × layer, each cell its score on a red (least robust) → green (most robust)
 * background. Layers that do not fit the width continue in a further block below; what does not fit the height is cut.
 */
export function RobustnessHeatmapPanel({
  scores,
  width,
  height,
}: {
  scores: Readonly<Record<string, number>>;
  width: number;
  height: number;
}) {
  const grid = heatmapGrid(scores);
  if (grid.layers.length === 0 || grid.min === undefined || grid.max === undefined)
    return <Text dimColor>(no module scored yet)</Text>;
  const { min, max } = grid;
  const cellWidth = Math.max(6, ...Object.values(scores).map((s) => formatScore(s, 0).length + 1));
  const perBlock = Math.max(1, Math.floor((width - TYPE_LABEL) / cellWidth));
  const blocks: number[][] = [];
  for (let i = 0; i < grid.layers.length; i += perBlock) blocks.push(grid.layers.slice(i, i + perBlock));

  const lines: ReactNode[] = [];
  for (const [b, layers] of blocks.entries()) {
    lines.push(
      <Text key={`h${b}`} dimColor wrap="truncate-end">
        {''.padEnd(TYPE_LABEL)}
        {layers.map((l) => `L${l}`.padStart(cellWidth)).join('')}
      </Text>,
    );
    for (const type of grid.types) {
      lines.push(
        <Text key={`${b}-${type}`} wrap="truncate-end">
          {type.padEnd(TYPE_LABEL)}
          {layers.map((layer) => {
            const score = grid.score(type, layer);
            const text = formatScore(score, cellWidth);
            if (score === undefined)
              return (
                <Text key={layer} dimColor>
                  {text}
                </Text>
              );
            return (
              <Text key={layer} color="black" backgroundColor={HEAT_COLOURS[heatStep(score, min, max)]}>
                {text}
              </Text>
            );
          })}
        </Text>,
      );
    }
  }
  const room = Math.max(1, height - 1);
  const shown =
    lines.length > room
      ? [
          ...lines.slice(0, room - 1),
          <Text key="more" dimColor>
            … {lines.length - room + 1} more rows (enlarge the terminal)
          </Text>,
        ]
      : lines;
  return (
    <Box flexDirection="column" width={width}>
      {shown}
      <Text wrap="truncate-end">
        <Text dimColor>less robust </Text>
        {HEAT_COLOURS.map((colour) => (
          <Text key={colour} backgroundColor={colour}>
            {'  '}
          </Text>
        ))}
        <Text dimColor>
          {' '}
          more robust · {min.toFixed(3)} … {max.toFixed(3)} · {Object.keys(scores).length} modules
        </Text>
      </Text>
    </Box>
  );
}
