// Why greedy replies refuse more often than the model "wants" to: for each held-out prompt of one set, the probability
// the model gives the first tokens its refusals start with, against what greedy decoding did. A prompt refused while
// that probability is under 0.5 was refused only because no single answer opening was as likely as the refusal's.
// Run: npx tsx tools/small-chat/first-token.ts [--model packages/small-chat/model] [--set alpaca]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { OnnxEngineProvider } from '@mllr/backend-onnx';
import { encodePrompt, generateResponses, isRefusal } from '@mllr/eval';
import { loadTokenizer } from '@mllr/model';
import { loadSmallChatData, sharedDataDir } from './small-chat-data.js';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    model: { type: 'string', default: resolve(REPO_ROOT, 'packages/small-chat/model') },
    set: { type: 'string', default: 'alpaca' },
  },
});
const data = await loadSmallChatData(sharedDataDir(REPO_ROOT));
const set = data.heldOut.find((s) => s.name === values.set);
if (!set) throw new Error(`--set ${values.set}: not a held-out set (${data.heldOut.map((s) => s.name).join(', ')})`);
const dir = resolve(values.model!);
const engine = await new OnnxEngineProvider({ device: 'cpu', threads: 1 }).openInference(dir);
try {
  const tokenizer = await loadTokenizer(dir);
  const budget = engine.architecture.maxPositionEmbeddings - 32;
  const { responses } = await generateResponses(engine, tokenizer, set.prompts, { maxNewTokens: 32, batchSize: 32 });
  const refused = responses.map((r) => isRefusal(r));
  const encoded = set.prompts.map((p) => encodePrompt(tokenizer, p, budget).ids);
  // Each prompt's next-token probabilities; greedy decoding's first token is their argmax.
  const probabilities: Float64Array[] = [];
  for (let s = 0; s < encoded.length; s += 32) {
    const batch = encoded.slice(s, s + 32);
    const { vocabSize, data: logits } = await engine.logits({ sequences: batch });
    logits.forEach((all, b) => {
      const row = all.subarray((batch[b]!.length - 1) * vocabSize, batch[b]!.length * vocabSize);
      const max = row.reduce((m, v) => Math.max(m, v), -Infinity);
      const z = row.reduce((sum, v) => sum + Math.exp(v - max), 0);
      probabilities.push(Float64Array.from(row, (v) => Math.exp(v - max) / z));
    });
  }
  const argmax = (p: Float64Array) => p.reduce((best, v, i) => (v > p[best]! ? i : best), 0);
  // The refusals' first tokens, as greedy decoding chose them.
  const firstIds = new Set(probabilities.filter((_, i) => refused[i]).map(argmax));
  const pRefusal = probabilities.map((p) => [...firstIds].reduce((sum, id) => sum + p[id]!, 0));
  const n = refused.filter(Boolean).length;
  const below = refused.filter((r, i) => r && pRefusal[i]! < 0.5).length;
  const likely = pRefusal.filter((p) => p >= 0.5).length;
  console.log(
    `${set.name}: ${set.prompts.length} held-out prompts; refusals start with ${[...firstIds].map((id) => JSON.stringify(tokenizer.decode([id]))).join(', ')}`,
  );
  console.log(`greedy replies refuse ${n}; of those, ${below} had P(refusal's first token) < 0.5`);
  console.log(
    `prompts with P(refusal's first token) ≥ 0.5: ${likely}; mean ${(pRefusal.reduce((a, b) => a + b, 0) / pRefusal.length).toFixed(3)}`,
  );
} finally {
  await engine.dispose();
}
