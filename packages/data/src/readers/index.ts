// Public API of the dataset readers: streaming CSV/JSON/JSONL readers with presets, seeded splits, chat rendering.
export type { ReadSample } from './read-sample.js';
/** The error for one unusable record, with a reason a reader told to skip such records counts by. */
export { InvalidRecordError } from './data-error.js';

/** One reader per format, each a core DatasetReader yielding ReadSamples lazily. */
export { CsvReader } from './csv-reader.js';
export { JsonReader } from './json-reader.js';
export { JsonlReader } from './jsonl-reader.js';
/** Reader selection by extension or preset; the all-format DatasetReader for DI. */
export { FileDatasetReader, SUPPORTED_FORMATS, formatOf, readAll, readDataset } from './read-dataset.js';
/** The checks a read makes before its first record (preset, format, mapping, file), for validating a config up front. */
export { checkDatasetSource } from './check-source.js';

/** A file of prompts whose prompt column (prompt, goal, instruction) is found by name. */
export { PROMPT_COLUMNS, promptFileSource } from './prompt-file.js';
/** A file's first record, and the chat preset its layout calls for (for files given without a preset). */
export { chatPresetFor, firstRecord } from './first-record.js';

/** Named field mappings for known dataset layouts. */
export { DATASET_PRESETS, PRESET_NAMES, presetFor, resolveMapping } from './presets.js';
export type { DataFormat, DatasetPreset, FieldMapping, PresetName, ResolvedMapping } from './presets.js';

/** Seeded, leak-free train/validation/test splits by prompt hash. */
export { normalizePrompt, splitSamples } from './split-samples.js';
export type { SampleSplits, SplitOptions } from './split-samples.js';

/** Chat-template rendering and tokenization of samples (and of conversations, assistant turns only) for training. */
export { toChatSampleText, toTrainExample } from './train-example.js';
export type { ChatSampleText } from './train-example.js';
export { conversationTrainExample } from './conversation-example.js';
export type { ConversationLayout } from './conversation.js';
/** Cutting a training example to a token budget, its response spans with it. */
export { cutTrainExample } from './cut-example.js';

/** Pre-tokenized training examples ({"ids", "prompt_length"} JSON Lines), used as they are. */
export { isTokenExampleFile, readTokenExamples, tokenExample } from './token-examples.js';
export type { TokenExampleLimits } from './token-examples.js';
