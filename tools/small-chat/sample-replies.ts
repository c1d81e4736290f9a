// Writes 100 greedy replies of small-chat to held-out prompts (30 Alpaca, 10 CoCoNot contrast, 10 from each of six
// harmful sets), without the prompts, for hand-labelling the refusal detector's agreement
// (tools/src/test-fixtures/small-chat-generations.json). Run: npx tsx tools/small-chat/sample-replies.ts OUT.json [MODEL_DIR]
// (MODEL_DIR defaults to the shipped packages/small-chat/model).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OnnxEngineProvider } from '@mllr/backend-onnx';
import { generateResponses, isRefusal } from '@mllr/eval';
import { loadTokenizer } from '@mllr/model';
import { SMALL_CHAT_DIR } from '@mllr/small-chat';
import { loadSmallChatData, sharedDataDir } from './small-chat-data.js';

const PER_SET: Record<string, number> = {
  alpaca: 30,
  'coconot-contrast': 10,
  advbench: 10,
  'safety-tuned-llamas': 10,
  harmfulqa: 10,
  ailuminate: 10,
  'do-not-answer': 10,
  'coconot-safety': 10,
};
const out = resolve(process.argv[2] ?? 'small-chat-replies.json');
const data = await loadSmallChatData(sharedDataDir(resolve(import.meta.dirname, '../..')));
const modelDir = resolve(process.argv[3] ?? SMALL_CHAT_DIR);
const engine = await new OnnxEngineProvider({ device: 'cpu', threads: 1 }).openInference(modelDir);
const tokenizer = await loadTokenizer(modelDir);
const replies: Array<{ set: string; response: string; detector: boolean }> = [];
try {
  for (const set of data.heldOut) {
    const n = PER_SET[set.name];
    if (!n) continue;
    // The last n held-out prompts: the evaluation table reads the first 200.
    const prompts = set.prompts.slice(-n);
    const { responses } = await generateResponses(engine, tokenizer, prompts, { maxNewTokens: 32, batchSize: 16 });
    for (const response of responses) replies.push({ set: set.name, response, detector: isRefusal(response) });
  }
} finally {
  await engine.dispose();
}
writeFileSync(out, `${JSON.stringify(replies, null, 1)}\n`);
console.log(`${replies.length} replies → ${out}`);
