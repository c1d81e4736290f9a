import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenizer } from '@mllr/model';
import { TINY_CHAT_DIR } from '@mllr/tiny-chat';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFinetuneJson, type FinetuneStepLine } from './support/finetune-run.js';

// `mllr finetune --data` on chat files (the messages and sharegpt presets): multi-turn conversations rendered with the
// model's chat template, every assistant turn and only those trained on, on both training engines alike.

type Turn = { role: 'system' | 'user' | 'assistant'; content: string };
const CONVERSATIONS: Turn[][] = [
  [
    { role: 'system', content: 'You are helpful.' },
    { role: 'user', content: 'What is 2 plus 3?' },
    { role: 'assistant', content: '2 plus 3 is 5.' },
    { role: 'user', content: 'And 4 plus 4?' },
    { role: 'assistant', content: '4 plus 4 is 8.' },
  ],
  [
    { role: 'user', content: 'Name a color.' },
    { role: 'assistant', content: 'Blue is a color.' },
  ],
  [
    { role: 'user', content: 'Name a fruit.' },
    { role: 'assistant', content: 'An apple.' },
    { role: 'user', content: 'Another one?' },
    { role: 'assistant', content: 'A pear.' },
    { role: 'user', content: 'Thanks.' },
  ],
  [
    { role: 'user', content: 'What is 1 plus 1?' },
    { role: 'assistant', content: '1 plus 1 is 2.' },
    { role: 'user', content: 'And 2 plus 2?' },
    { role: 'assistant', content: '2 plus 2 is 4.' },
    { role: 'user', content: 'And 3 plus 3?' },
    { role: 'assistant', content: '3 plus 3 is 6.' },
  ],
];
const SHAREGPT_ROLE = { system: 'system', user: 'human', assistant: 'gpt' } as const;

interface Run {
  steps: FinetuneStepLine[];
  record: Record<string, unknown>;
}

describe('mllr finetune on chat datasets', () => {
  let dir: string;
  let messages: string;
  let sharegpt: string;
  const runs = new Map<string, Run>();

  /** `mllr finetune` on tiny-chat in file order, 2 steps of 2 conversations; each run once. */
  async function finetune(data: string, engine: string, extra: string[] = []): Promise<Run> {
    const key = [data, engine, ...extra].join(' ');
    const done = runs.get(key);
    if (done) return done;
    const out = join(dir, `out-${runs.size}`);
    const argv = [
      'finetune',
      '--model',
      'tiny-chat',
      '--data',
      data,
      '--out',
      out,
      '--engine',
      engine,
      '--no-shuffle',
      '--steps',
      '2',
      '--batch-size',
      '2',
      '--lr',
      '0.005',
      '--json',
      ...extra,
    ];
    const { steps } = await runFinetuneJson(argv);
    const run = {
      steps,
      record: JSON.parse(readFileSync(join(out, 'finetune.json'), 'utf8')) as Record<string, unknown>,
    };
    runs.set(key, run);
    return run;
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mllr-finetune-chat-'));
    messages = join(dir, 'chats.jsonl');
    const bad = [
      { messages: [{ role: 'user', content: 'Is anyone there?' }] },
      {
        messages: [
          { role: 'user', content: 'Call the tool.' },
          { role: 'tool', content: '{}' },
          { role: 'assistant', content: 'Done.' },
        ],
      },
    ];
    const records = [CONVERSATIONS[0], bad[0], CONVERSATIONS[1], CONVERSATIONS[2], bad[1], CONVERSATIONS[3]].map((c) =>
      Array.isArray(c) ? { messages: c } : c,
    );
    writeFileSync(messages, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
    sharegpt = join(dir, 'chats.json');
    writeFileSync(
      sharegpt,
      JSON.stringify(
        CONVERSATIONS.map((c) => ({
          conversations: c.map((t) => ({ from: SHAREGPT_ROLE[t.role], value: t.content })),
        })),
      ),
    );
  });

  it.each(['onnx', 'tfjs'])(
    '%s: a messages file needs no flag; every assistant turn (its text and eos) is trained on, nothing else; bad records skipped and counted',
    async (engine) => {
      const { steps, record } = await finetune(messages, engine);
      // tiny-chat's template writes " <|assistant|> text </s>" per reply and its tokenizer splits words, so a reply
      // trains on its own tokens plus eos; the prompt, the system text and the user turns between replies count not.
      const tokenizer = await loadTokenizer(TINY_CHAT_DIR);
      const trained = CONVERSATIONS.map((c) =>
        c
          .filter((t) => t.role === 'assistant')
          .reduce((n, t) => n + tokenizer.encode(t.content, { addSpecialTokens: false }).length + 1, 0),
      );
      expect(steps.map((s) => s.tokens)).toEqual([trained[0]! + trained[1]!, trained[2]! + trained[3]!]);
      expect(record).toMatchObject({ data_kind: 'dataset', examples: 4 });
      expect(JSON.stringify(record)).toContain(JSON.stringify({ no_assistant_turn: 1, unknown_role: 1 }));
    },
  );

  it('the onnx and tfjs engines agree on the losses of multi-turn examples (within 1e-4, relative)', async () => {
    const [onnx, tfjs] = [await finetune(messages, 'onnx'), await finetune(messages, 'tfjs')];
    expect(tfjs.steps.map((s) => s.tokens)).toEqual(onnx.steps.map((s) => s.tokens));
    for (const [i, s] of onnx.steps.entries())
      expect(Math.abs(s.loss - tfjs.steps[i]!.loss) / s.loss, `step ${i + 1}`).toBeLessThan(1e-4);
  });

  it('the same conversations in ShareGPT layout (a JSON array of {conversations: [{from, value}]}) train identically', async () => {
    const [fromMessages, fromShareGpt] = [
      await finetune(messages, 'onnx'),
      await finetune(sharegpt, 'onnx', ['--preset', 'sharegpt']),
    ];
    expect(fromShareGpt.steps).toEqual(fromMessages.steps);
  });
});
