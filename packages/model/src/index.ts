// Public API of @mllr/model: Hugging Face checkpoints (config.json, safetensors, tokenizer, chat template, module map).

/** config.json → ModelArchitecture for the llama, qwen2 and mistral families. */
export { SUPPORTED_MODEL_TYPES, parseModelConfig } from './config/parse-model-config.js';
/** The config.json `rope_scaling` kinds mllr runs (linear, llama3). */
export { SUPPORTED_ROPE_SCALING } from './config/rope-scaling.js';
/** ModelArchitecture → config.json (the inverse of parseModelConfig). */
export { architectureToConfig } from './config/architecture-to-config.js';
/** Reads and normalises `<dir>/config.json`. */
export { loadModelConfig } from './config/load-model-config.js';

/** Streaming, strictly validated safetensors reading (F32, F16, BF16 → float32). */
export { readSafetensors, readSafetensorsHeader } from './safetensors/read-safetensors.js';
/** Options of readSafetensors. */
export type { ReadSafetensorsOptions } from './safetensors/read-safetensors.js';
/** The largest safetensors header accepted (100 MiB). */
export { MAX_HEADER_BYTES } from './safetensors/header.js';
/** A validated safetensors header and one tensor entry of it. */
export type { SafetensorsEntry, SafetensorsHeader } from './safetensors/header.js';
/** The dtypes mllr reads and their byte sizes. */
export { READABLE_DTYPES } from './safetensors/dtypes.js';
/** A dtype mllr reads. */
export type { ReadableDtype } from './safetensors/dtypes.js';
/** Atomic, streaming F32 safetensors writing. */
export { writeSafetensors } from './safetensors/write-safetensors.js';

/** Loads a checkpoint folder (config.json + safetensors, single or sharded); refuses pickle weights. */
export { loadCheckpoint } from './checkpoint/load-checkpoint.js';
/** A checkpoint in memory. */
export type { Checkpoint } from './checkpoint/load-checkpoint.js';
/** Writes config.json + model.safetensors atomically, copying tokenizer files. */
export { COPIED_FILES, saveCheckpoint } from './checkpoint/save-checkpoint.js';
/** What saveCheckpoint writes. */
export type { SaveCheckpointOptions } from './checkpoint/save-checkpoint.js';
/** The tensors (name → shape) an architecture needs, and its parameter count. */
export { expectedTensorShapes, parameterCount } from './checkpoint/expected-shapes.js';
/** The least memory an engine needs for a model's weights (and optimizer state), and a byte formatter. */
export { formatBytes, memoryFloorBytes } from './checkpoint/memory-floor.js';
/** Padding and checking of token batches, as every engine feeds its decoder. */
export { padTokens } from './decoder-inputs/pad-tokens.js';
/** A padded token batch and the model limits it is checked against. */
export type { PaddedTokens, TokenLimits } from './decoder-inputs/pad-tokens.js';
/** RoPE cosine and sine tables (Hugging Face's rotate-half layout, float32 steps as PyTorch). */
export { ropeInverseFrequencies, ropeTables } from './decoder-inputs/rope-tables.js';
/** RoPE tables as float arrays. */
export type { RopeTables } from './decoder-inputs/rope-tables.js';
/** Seeded random weights for an architecture (tests and experiments). */
export { randomTensors, tinyArchitecture } from './checkpoint/random-tensors.js';
/** Seeded GPT-2-style initial weights for training from scratch. */
export { initialTensors } from './checkpoint/initial-tensors.js';
/** The architecture of a llama model mllr trains from scratch (tiny-chat, `model.pretrain`). */
export { trainedLlamaArchitecture } from './checkpoint/trained-architecture.js';
export type { TrainedModelShape } from './checkpoint/trained-architecture.js';
/** Weight file names of a Hugging Face checkpoint. */
export { WEIGHTS_FILE, WEIGHTS_INDEX_FILE, locateWeights } from './checkpoint/locate-weights.js';
/** Module id ↔ tensor names of a model. */
export { buildModuleMap } from './checkpoint/module-map.js';
/** The modules of a model and their tensors. */
export type { ModuleMap } from './checkpoint/module-map.js';

/** Loads tokenizer.json, special tokens and the chat template of a checkpoint folder. */
export { loadTokenizer } from './tokenizer/load-tokenizer.js';
/** The token ids that end generation, from the tokenizer's and the architecture's eos ids. */
export { stopTokenIds } from './tokenizer/stop-token-ids.js';
/** core's Tokenizer over tokenizer.json and the Jinja chat template. */
export { HfTokenizer } from './tokenizer/hf-tokenizer.js';
/** What an HfTokenizer is built from. */
export type { HfTokenizerParts } from './tokenizer/hf-tokenizer.js';
/** Byte-level BPE tokenizer training: tokenizer.json + tokenizer_config.json with a chat template. */
export {
  BYTE_TO_UNICODE,
  TRAINED_CHAT_TEMPLATE,
  byteLevelPreTokens,
  trainByteLevelBpe,
  writeTrainedTokenizer,
} from './tokenizer/train-bpe.js';
/** Builds tokenizer.json / tokenizer_config.json for a vocabulary after mllr's special tokens. */
export { TRAINED_SPECIAL_TOKENS, buildTokenizerFiles } from './tokenizer/tokenizer-files.js';
export type { TokenizerFiles, TokenizerFilesSpec } from './tokenizer/tokenizer-files.js';
/** A user prompt as the model sees it before answering: rendered with the generation prompt, and its token ids. */
export { chatPromptText, encodeChatPrompt } from './tokenizer/chat-prompt.js';
/** Options and result of trainByteLevelBpe. */
export type { BpeTrainingOptions, TrainedTokenizer } from './tokenizer/train-bpe.js';
/** A parsed chat template and its source file. */
export type { ChatTemplate } from './tokenizer/chat-template.js';

/** LoRA adapters: targeted modules and shapes, PEFT's initialisation, merging, and PEFT's folder format. */
export { initialLoraTensors, loraModules, loraShapes, mergeLora } from './lora/lora-tensors.js';
export type { LoraModule } from './lora/lora-tensors.js';
export {
  PEFT_CONFIG_FILE,
  PEFT_PREFIX,
  PEFT_TARGET_NAMES,
  PEFT_WEIGHTS_FILE,
  peftTensorName,
  readPeftAdapter,
  writePeftAdapter,
} from './lora/peft-adapter.js';
export type { PeftAdapter, PeftAdapterContents } from './lora/peft-adapter.js';
export { saveMergedCheckpoint } from './lora/merged-checkpoint.js';

/** Hub ids (`org/name[@revision]`) and the local Hugging Face cache they resolve from. */
export { DEFAULT_HUB_REVISION, formatHubId, parseHubId } from './hub/hub-id.js';
/** A parsed Hub id. */
export type { HubId } from './hub/hub-id.js';
/** The cache folder (HF_HUB_CACHE, HF_HOME/hub, ~/.cache/huggingface/hub) and a snapshot lookup in it. */
export { cacheSource, findHubSnapshot, hubCacheDir, hubRepoFolder } from './hub/hub-cache.js';
/** A snapshot in the cache, the cache in use, and what a failed lookup looked at. */
export type { HubCacheDir, HubCacheMiss, HubSnapshot } from './hub/hub-cache.js';
/** Downloads a model's safetensors, config, tokenizer and template files into the cache (never pickle). */
export { DEFAULT_HUB_URL, downloadHubModel } from './hub/hub-download.js';
/** Options and progress events of downloadHubModel. */
export type { HubDownloadOptions, HubDownloadProgress } from './hub/hub-download.js';
/** The files a Hub download fetches besides the weights. */
export { HUB_METADATA_FILES, planHubFiles } from './hub/hub-files.js';
