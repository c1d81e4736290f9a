import { downloadProgressLine, obtainModelSource, type ModelSource } from '@mllr/pipeline';
import type { CliIo } from '../cli-io.js';

/**
 * The model of a command's `--model`: a folder (relative to the current folder), `tiny-chat`, or a Hub id read
 * from the local Hugging Face cache, downloaded first with `--download`; download progress goes to stderr.
 */
export function commandModel(model: string, download: boolean | undefined, io: CliIo): Promise<ModelSource> {
  return obtainModelSource(model, {
    baseDir: io.cwd,
    download: download ?? false,
    onProgress: (event) => {
      const line = downloadProgressLine(event);
      if (line !== undefined) io.stderr.write(`mllr: ${line}\n`);
    },
  });
}
