import { Box, Text } from 'ink';
import type { BoundedCurve } from './bounded-curve.js';
import { strategyOfRun } from '@mllr/pipeline';
import { sparkline } from './sparkline.js';

const STRATEGY_COLOUR: Record<string, string> = {
  uniform: 'yellow',
  'ml-lr': 'green',
  swat: 'cyan',
  freeze: 'blue',
  'random-control': 'magenta',
};

/**
 * Stage `ift`: one sparkline per run (seed runs `uniform#2` get their strategy's colour), on one shared loss scale and
 * one shared step axis, so curves compare by eye and a run still training shows as a partial line.
 */
export function LossCurvesPanel({
  losses,
  width,
  height,
}: {
  losses: Readonly<Record<string, BoundedCurve>>;
  width: number;
  height: number;
}) {
  const runs = Object.entries(losses).filter(([, c]) => c.last !== undefined);
  if (runs.length === 0) return <Text dimColor>(no training step yet)</Text>;
  const ys = runs.flatMap(([, c]) => withLast(c).map((p) => p.y)).filter(Number.isFinite);
  const yMin = ys.length > 0 ? Math.min(...ys) : 0;
  const yMax = ys.length > 0 ? Math.max(...ys) : 1;
  const xEnd = Math.max(...runs.map(([, c]) => c.last!.x)) + 1;
  const nameWidth = Math.max(8, ...runs.map(([id]) => id.length)) + 1;
  const sparkWidth = Math.max(8, width - nameWidth - 28);
  const visible = runs.slice(-Math.max(1, height - 1));
  return (
    <Box flexDirection="column" width={width}>
      <Text dimColor wrap="truncate-end">
        loss by step (shared scale {yMin.toFixed(3)} … {yMax.toFixed(3)}, steps 0–{xEnd - 1})
      </Text>
      {visible.map(([id, curve]) => (
        <Text key={id} wrap="truncate-end">
          <Text color={STRATEGY_COLOUR[strategyOfRun(id)] ?? 'white'}>{id.padEnd(nameWidth)}</Text>
          <Text color={STRATEGY_COLOUR[strategyOfRun(id)] ?? 'white'}>
            {sparkline(withLast(curve), sparkWidth, { xEnd, yMin, yMax })}
          </Text>
          <Text>
            {' '}
            {curve.first!.y.toFixed(3)} → {curve.last!.y.toFixed(3)}
          </Text>
          <Text dimColor> step {curve.last!.x}</Text>
        </Text>
      ))}
    </Box>
  );
}

// A thinned curve may not hold the newest point, and the line should always reach it.
function withLast(curve: BoundedCurve) {
  return curve.last === undefined || curve.points.at(-1) === curve.last ? curve.points : [...curve.points, curve.last];
}
