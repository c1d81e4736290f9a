import type { HubDownloadProgress } from '@mllr/model';

/**
 * A progress line for people from a Hub download event (commands print it on stderr, runs as a log event);
 * undefined for events not worth a line.
 */
export function downloadProgressLine(event: HubDownloadProgress): string | undefined {
  switch (event.kind) {
    case 'start':
      return `downloading ${event.id} at commit ${event.commit.slice(0, 12)}: ${event.files} files, ${bytes(event.bytes)}`;
    case 'file':
      return event.done
        ? `${event.file} (${event.index}/${event.count}, ${bytes(event.size)})`
        : `${event.file}: ${Math.floor((100 * event.bytes) / Math.max(1, event.size))}% of ${bytes(event.size)}`;
    case 'done':
      return `${event.id} is in ${event.dir}`;
  }
}

function bytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} B`;
}
