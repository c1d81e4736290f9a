// The embedded world: a seeded synthetic chat world and its tokenizer.
export { generateWorld } from './build-world.js';
export type { BaseTraining, World, WorldOptions } from './build-world.js';
export { WORLD_CHAT_TEMPLATE, WORLD_SPECIAL_TOKENS, buildWorldTokenizer } from './world-tokenizer.js';
export type { WorldTokenizerFiles } from './world-tokenizer.js';
export * as lexicon from './lexicon.js';
