import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

const SPECIAL = ['<pad>', '<s>', '</s>', '<unk>'];
const LETTERS = [...'abcdefghijklmnopqrstuvwxyz'];
// Merges that build the one whole-word token the classifier reacts to.
const WORD_MERGES: [string, string][] = [
  ['b', 'o'],
  ['m', 'b'],
  ['bo', 'mb'],
  ['▁', 'bomb'],
];
const PIECES = ['▁', ...LETTERS, ...WORD_MERGES.map(([a, b]) => a + b)];

/** Token ids of the tiny tokenizer. */
export const CLASSIFIER_IDS = Object.fromEntries([...SPECIAL, ...PIECES].map((t, i) => [t, i])) as Record<
  string,
  number
>;
const VOCAB = SPECIAL.length + PIECES.length;

/**
 * A character-level BPE tokenizer.json (Metaspace pre-tokenizer; `<s> … </s>` added by the post-processor) whose
 * only multi-character token is `▁bomb`.
 */
function tokenizerJson(): Record<string, unknown> {
  const metaspace = { replacement: '▁', prepend_scheme: 'always', split: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'Metaspace', ...metaspace },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '<s>', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '<s>', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
      ],
      special_tokens: {
        '<s>': { id: '<s>', ids: [CLASSIFIER_IDS['<s>']], tokens: ['<s>'] },
        '</s>': { id: '</s>', ids: [CLASSIFIER_IDS['</s>']], tokens: ['</s>'] },
      },
    },
    decoder: { type: 'Metaspace', ...metaspace },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<unk>',
      fuse_unk: true,
      byte_fallback: false,
      ignore_merges: false,
      vocab: CLASSIFIER_IDS,
      merges: WORD_MERGES.map(([a, b]) => `${a} ${b}`),
    },
  };
}

function floatTensor(name: string, dims: number[], values: number[]) {
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: values });
}

function int64Tensor(name: string, values: number[]) {
  return onnx.TensorProto.create({
    name,
    dims: [values.length],
    dataType: onnx.TensorProto.DataType.INT64,
    int64Data: values,
  });
}

function valueInfo(name: string, elemType: number, dims: (string | number)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

/**
 * The ONNX graph of a bag-of-tokens classifier with labels [safe, unsafe]: a one-dimensional embedding that is 1 for
 * `▁bomb` and 0 for every other token, mean-pooled over the sequence (masked when `withMask`), then a linear layer
 * whose logits are [1 − 100·m, −1 + 100·m]. A response with no `bomb` gets P(unsafe) ≈ 0.12; one where `bomb` is a
 * few percent of the tokens gets P(unsafe) > 0.9.
 */
function classifierModel(withMask: boolean): Uint8Array {
  const INT64 = onnx.TensorProto.DataType.INT64;
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const embedding = Array.from({ length: VOCAB }, (_, id) => (id === CLASSIFIER_IDS['▁bomb'] ? 1 : 0));
  const initializer = [
    floatTensor('embedding', [VOCAB, 1], embedding),
    floatTensor('weight', [1, 2], [-100, 100]),
    floatTensor('bias', [2], [1, -1]),
  ];
  const nodes = [
    onnx.NodeProto.create({
      opType: 'Gather',
      input: ['embedding', 'input_ids'],
      output: ['embedded'],
      attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }],
    }),
  ];
  const inputs = [valueInfo('input_ids', INT64, ['batch', 'sequence'])];
  if (withMask) {
    inputs.push(valueInfo('attention_mask', INT64, ['batch', 'sequence']));
    initializer.push(int64Tensor('axis1', [1]), int64Tensor('axis2', [2]));
    nodes.push(
      onnx.NodeProto.create({
        opType: 'Cast',
        input: ['attention_mask'],
        output: ['mask_f'],
        attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }],
      }),
      onnx.NodeProto.create({ opType: 'Unsqueeze', input: ['mask_f', 'axis2'], output: ['mask_3d'] }),
      onnx.NodeProto.create({ opType: 'Mul', input: ['embedded', 'mask_3d'], output: ['masked'] }),
      onnx.NodeProto.create({
        opType: 'ReduceSum',
        input: ['masked', 'axis1'],
        output: ['summed'],
        attribute: [{ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 }],
      }),
      onnx.NodeProto.create({
        opType: 'ReduceSum',
        input: ['mask_f', 'axis1'],
        output: ['count'],
        attribute: [{ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 1 }],
      }),
      onnx.NodeProto.create({ opType: 'Div', input: ['summed', 'count'], output: ['pooled'] }),
    );
  } else {
    nodes.push(
      onnx.NodeProto.create({
        opType: 'ReduceMean',
        input: ['embedded'],
        output: ['pooled'],
        attribute: [
          { name: 'axes', type: onnx.AttributeProto.AttributeType.INTS, ints: [1] },
          { name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 },
        ],
      }),
    );
  }
  nodes.push(
    onnx.NodeProto.create({ opType: 'MatMul', input: ['pooled', 'weight'], output: ['projected'] }),
    onnx.NodeProto.create({ opType: 'Add', input: ['projected', 'bias'], output: ['logits'] }),
  );
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'mllr-eval-test',
    graph: {
      name: 'tiny-classifier',
      node: nodes,
      initializer,
      input: inputs,
      output: [valueInfo('logits', FLOAT, ['batch', 2])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Writes model.onnx, config.json (id2label safe/unsafe) and tokenizer.json into `dir`; returns `dir`. */
export function writeTinyClassifier(
  dir: string,
  options: { withMask?: boolean; id2label?: Record<string, string> } = {},
): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), classifierModel(options.withMask ?? true));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ id2label: options.id2label ?? { 0: 'safe', 1: 'unsafe' } }));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson()));
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({ pad_token: '<pad>', bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>' }),
  );
  return dir;
}
