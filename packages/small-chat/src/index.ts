// Public API of @mllr/small-chat: where the real-data embedded base model's files are.
import { fileURLToPath } from 'node:url';

/**
 * Folder of small-chat in Hugging Face layout (config.json, model.safetensors, tokenizer.json, tokenizer_config.json,
 * training.json with how it was made and what it scored on held-out data).
 */
export const SMALL_CHAT_DIR = fileURLToPath(new URL('../model', import.meta.url));

/** The name a run config uses for this model (`model.path: small-chat`). */
export const SMALL_CHAT_NAME = 'small-chat';
