import { Text } from 'ink';

/** A fixed-width bar of block characters for `done` of `total`. */
export function ProgressBar({
  done,
  total,
  width,
  color,
}: {
  done: number;
  total: number;
  width: number;
  color?: string;
}) {
  const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(fraction * width);
  return (
    <Text>
      <Text {...(color ? { color } : {})}>{'█'.repeat(filled)}</Text>
      <Text dimColor>{'░'.repeat(width - filled)}</Text>
    </Text>
  );
}
