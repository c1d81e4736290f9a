// Public API of @mllr/data: dataset readers (CSV, JSON, JSONL, presets, splits) and the embedded world.
export * from './readers/index.js';
export * from './world/index.js';
export { register } from './plugin.js';
