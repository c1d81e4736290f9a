// Public API of @mllr/tiny-chat: where the embedded base model's files are.
import { fileURLToPath } from 'node:url';

/** Folder of tiny-chat in Hugging Face layout (config.json, model.safetensors, tokenizer.json, tokenizer_config.json). */
export const TINY_CHAT_DIR = fileURLToPath(new URL('../model', import.meta.url));

/** The name a run config uses for this model (`model.path: tiny-chat`). */
export const TINY_CHAT_NAME = 'tiny-chat';
