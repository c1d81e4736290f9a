import { Box, Text } from 'ink';
import { ProgressBar } from '../progress-bar.js';
import type { ProbeLayer } from './stage-results.js';

/**
 * The layer the probe is trained on: the best validation accuracy, the deepest on a tie (as trainSecurityProbe in
 * @mllr/proxies picks it; the stage reports the choice only in a log line).
 */
export function bestProbeLayer(layers: readonly ProbeLayer[]): number | undefined {
  let best: ProbeLayer | undefined;
  for (const l of layers) if (!best || l.accuracy >= best.accuracy) best = l;
  return best?.layer;
}

/** Stage `proxy`: a bar of validation accuracy per layer, the chosen (best) layer marked. */
export function ProbeAccuracyPanel({
  layers,
  width,
  height,
}: {
  layers: readonly ProbeLayer[];
  width: number;
  height: number;
}) {
  if (layers.length === 0) return <Text dimColor>(no layer probed yet)</Text>;
  const best = bestProbeLayer(layers);
  const label = Math.max(3, ...layers.map((l) => `L${l.layer}`.length));
  // Room for the value and the best-layer mark after the bar.
  const barWidth = Math.max(5, Math.min(50, width - label - 32));
  // The deepest layers come last and matter most for the choice, so a short panel drops the shallow ones.
  const visible = layers.slice(-Math.max(1, height - 1));
  return (
    <Box flexDirection="column" width={width}>
      <Text dimColor wrap="truncate-end">
        validation accuracy per layer (0 → 1)
      </Text>
      {visible.map((l) => {
        const isBest = l.layer === best;
        return (
          <Text key={l.layer} wrap="truncate-end">
            <Text bold={isBest}>{`L${l.layer}`.padEnd(label)} </Text>
            <ProgressBar done={l.accuracy} total={1} width={barWidth} color={isBest ? 'green' : 'cyan'} />
            <Text bold={isBest}> {l.accuracy.toFixed(3)}</Text>
            {isBest ? <Text color="green"> ◀ best: the probe layer</Text> : null}
          </Text>
        );
      })}
    </Box>
  );
}
