import { PluginCatalog, type CatalogEntry } from './plugin-catalog.js';

function fromPackage(pkg: string, summary: string): CatalogEntry {
  return { package: pkg, summary };
}

/**
 * Every built-in plugin name and the package that provides it. A package that is not installed is reported
 * when the plugin is needed, not when the config is read, so configs stay checkable without every package.
 */
export const BUILTIN_PLUGINS = new PluginCatalog({
  stages: {
    'ml-lr': {
      summary: 'the full ML-LR pipeline: base, proxy, robustness, search, ift, eval, report',
      load: async () => import('../stages/ml-lr-stage-set.js'),
    },
  },
  inference: {
    onnx: fromPackage('@mllr/backend-onnx', 'ONNX Runtime inference (CPU; CUDA when installed)'),
    tfjs: fromPackage('@mllr/backend-tfjs', 'TensorFlow.js inference'),
  },
  training: {
    onnx: fromPackage(
      '@mllr/backend-onnx',
      "ONNX Runtime training on mllr's own gradient graphs (CPU; CUDA when installed)",
    ),
    tfjs: fromPackage('@mllr/backend-tfjs', 'TensorFlow.js training with grouped AdamW'),
  },
  tokenizer: {
    hf: fromPackage('@mllr/model', 'tokenizer.json and chat template of the model folder'),
  },
  reader: {
    csv: fromPackage('@mllr/data', 'CSV files'),
    json: fromPackage('@mllr/data', 'JSON arrays of records'),
    jsonl: fromPackage('@mllr/data', 'JSON Lines'),
  },
  proxy: {
    noise: fromPackage('@mllr/proxies', 'Gaussian noise scaled to the weight norm'),
    ift: fromPackage('@mllr/proxies', 'a few benign fine-tuning steps on one module'),
    drift: fromPackage('@mllr/proxies', 'shift of the harmful/benign feature means'),
  },
  search: {
    greedy: fromPackage('@mllr/search', 'proxy-guided greedy growth with a joint re-check (the paper)'),
    random: fromPackage('@mllr/search', 'seeded random subset of equal size (control)'),
    topk: fromPackage('@mllr/search', 'the k highest-scoring modules'),
    inverse: fromPackage('@mllr/search', 'the lowest-scoring modules, of equal size (control)'),
    pattern: fromPackage('@mllr/search', 'module types × depth range'),
  },
  schedule: {
    uniform: fromPackage('@mllr/schedules', 'one learning rate for everything (plain IFT)'),
    'ml-lr': fromPackage('@mllr/schedules', 'robust set at lr, the rest at α·lr'),
    swat: fromPackage('@mllr/schedules', 'warm up the robust set only, then train all'),
    freeze: fromPackage('@mllr/schedules', 'robust set at lr, the rest frozen'),
  },
  judge: {
    refusal: fromPackage('@mllr/eval', 'refusal detector on how a response opens'),
    llm: fromPackage('@mllr/eval', 'OpenAI-compatible LLM judge'),
    'onnx-classifier': fromPackage('@mllr/eval', 'local ONNX text-classification judge'),
  },
  evaluator: {
    harmful_asr: fromPackage('@mllr/eval', 'share of held-out harmful prompts not refused'),
    over_refusal: fromPackage('@mllr/eval', 'share of benign prompts refused'),
    usability: fromPackage('@mllr/eval', 'accuracy on general benign tasks'),
    expertise: fromPackage('@mllr/eval', 'accuracy on the fine-tuning domain test set'),
  },
});
