// Scores a small-chat folder on the held-out sets without retraining it: the table make.ts prints after training.
// Run: npx tsx tools/small-chat/score.ts [--model packages/small-chat/model] [--eval-size all|N]
// (all, the default, scores every held-out prompt of every set; N the first N of each.)
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateHeldOut, formatTable, heldOutPerSet } from './evaluate-held-out.js';
import { loadSmallChatData, sharedDataDir } from './small-chat-data.js';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    model: { type: 'string', default: resolve(REPO_ROOT, 'packages/small-chat/model') },
    'eval-size': { type: 'string', default: 'all' },
    threads: { type: 'string', default: '1' },
  },
});
const data = await loadSmallChatData(sharedDataDir(REPO_ROOT));
const rows = await evaluateHeldOut(resolve(values.model!), data.heldOut, {
  maxPerSet: heldOutPerSet(values['eval-size']!),
  threads: Number(values.threads),
});
console.log(formatTable(rows));
