import { Box, Text } from 'ink';

/**
 * Stage `validate`: each module fine-tuned alone, most harm-sensitive first: its rise in harmful_asr over the base in
 * points (red where it rose), and Spearman's ρ once every module is in.
 */
export function ValidationPanel({
  rises,
  spearman,
  width,
  height,
}: {
  rises: Readonly<Record<string, number>>;
  spearman: { value?: number; low?: number; high?: number };
  width: number;
  height: number;
}) {
  const rows = Object.entries(rises).sort((a, b) => b[1] - a[1]);
  if (rows.length === 0) return <Text dimColor>(no module validated yet)</Text>;
  const room = Math.max(1, height - 1);
  const shown = rows.slice(0, room);
  return (
    <Box flexDirection="column" width={width}>
      {shown.map(([module, rise]) => (
        <Text key={module} wrap="truncate-end">
          {module.padEnd(12)}
          <Text
            {...(rise > 0 ? { color: 'red' } : { dimColor: true })}
          >{`${rise >= 0 ? '+' : ''}${(100 * rise).toFixed(1)} points`}</Text>
        </Text>
      ))}
      <Text dimColor wrap="truncate-end">
        {rows.length} module runs{rows.length > shown.length ? ` (${rows.length - shown.length} more below)` : ''}
        {spearman.value !== undefined
          ? ` · Spearman ${spearman.value.toFixed(2)}${spearman.low !== undefined && spearman.high !== undefined ? ` [${spearman.low.toFixed(2)}, ${spearman.high.toFixed(2)}]` : ''}`
          : ''}
      </Text>
    </Box>
  );
}
