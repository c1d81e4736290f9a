import { fileURLToPath } from 'node:url';

/** The shipped default run config: the full ML-LR pipeline on tiny-chat and the embedded world. */
export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL('../../configs/default.yaml', import.meta.url));
