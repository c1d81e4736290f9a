import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '@mllr/model';
import { TINY_CHAT_DIR } from '@mllr/tiny-chat';
import { beforeAll, describe, expect, it } from 'vitest';
import { runMllr } from './mllr-cli.js';
import { runFinetuneJson } from './support/finetune-run.js';

/** Eight short examples over a small part of the vocabulary, deterministic, so ten steps can fit them. */
function examples(): Array<{ ids: number[]; prompt_length: number }> {
  return Array.from({ length: 8 }, (_, i) => ({
    ids: [1, ...Array.from({ length: 15 + i }, (_, j) => 20 + ((i * 7 + j * 3) % 40))],
    prompt_length: 3 + (i % 3),
  }));
}

/** Every training engine: the same behaviour is expected of each. */
const ENGINES = ['tfjs', 'onnx'];
/** Steps of the runs whose loss must fall; the tests that compare shuffles or read the weights train fewer. */
const STEPS = 10;
/** Two epochs of the 8 examples: enough for another seed's shuffle to show in the losses. */
const SHUFFLE_STEPS = 4;
/** Both batches of the examples once: every trained tensor moves, and no frozen one may. */
const PLAN_STEPS = 2;
const BATCH = 4;

function args(data: string, out: string, extra: string[] = [], engine = 'tfjs'): string[] {
  return [
    'finetune',
    '--model',
    'tiny-chat',
    '--data',
    data,
    '--out',
    out,
    '--engine',
    engine,
    '--steps',
    String(STEPS),
    '--batch-size',
    String(BATCH),
    '--lr',
    '0.005',
    '--json',
    ...extra,
  ];
}

describe('mllr finetune', () => {
  let dir: string;
  let data: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mllr-finetune-'));
    data = join(dir, 'data.jsonl');
    writeFileSync(
      data,
      `${examples()
        .map((e) => JSON.stringify(e))
        .join('\n')}\n`,
    );
  });

  it.each(ENGINES)(
    '%s: --no-shuffle --json: one line per step over the examples in file order, loss falling, the model and finetune.json in OUT',
    async (engine) => {
      const out = join(dir, `uniform-${engine}`);
      const { steps, final } = await runFinetuneJson(args(data, out, ['--no-shuffle'], engine));
      expect(steps.map((s) => s.step)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
      for (const s of steps) expect(Object.keys(s).sort()).toEqual(['grad_norm', 'loss', 'step', 'tokens']);
      // In file order, batch k of an epoch is examples 4k..4k+3; each trains on its tokens after the prompt.
      const responseTokens = examples().map((e) => e.ids.length - e.prompt_length);
      const perBatch = [0, 1].map((b) => responseTokens.slice(b * BATCH, (b + 1) * BATCH).reduce((a, n) => a + n, 0));
      expect(steps.map((s) => s.tokens)).toEqual(steps.map((_, i) => perBatch[i % 2]));
      const first = steps[0]!.loss;
      const lastThree = steps.slice(-3).reduce((a, s) => a + s.loss, 0) / 3;
      expect(lastThree).toBeLessThan(0.6 * first);
      expect(final).toMatchObject({ out, steps: STEPS, first_loss: first, final_loss: steps.at(-1)!.loss });

      const record = JSON.parse(readFileSync(join(out, 'finetune.json'), 'utf8'));
      const base = await loadCheckpoint(TINY_CHAT_DIR);
      expect(record.groups).toEqual([
        { name: 'all', learning_rate: 0.005, weight_decay: 0, tensors: [...base.tensors.keys()] },
      ]);
      expect(record.settings).toMatchObject({ steps: STEPS, batch_size: BATCH, learning_rate: 0.005, shuffle: false });
      expect(record.engine.name).toBe(engine);
      expect(record.curve.map((p: { loss: number }) => p.loss)).toEqual(steps.map((s) => s.loss));
      const tuned = await loadCheckpoint(out);
      expect(tuned.tensors.get('model.layers.0.self_attn.q_proj.weight')!.data).not.toEqual(
        base.tensors.get('model.layers.0.self_attn.q_proj.weight')!.data,
      );
    },
  );

  it.each(ENGINES)('%s: the same seed gives the same losses; another seed shuffles differently', async (engine) => {
    const seeded = (name: string, seed: string) =>
      runFinetuneJson(
        args(data, join(dir, `${name}-${engine}`), ['--seed', seed, '--steps', String(SHUFFLE_STEPS)], engine),
      );
    const a = await seeded('seed-a', '5');
    expect(a.steps).toHaveLength(SHUFFLE_STEPS);
    const b = await seeded('seed-b', '5');
    expect(b.steps.map((s) => s.loss)).toEqual(a.steps.map((s) => s.loss));
    const c = await seeded('seed-c', '6');
    expect(c.steps.map((s) => s.loss)).not.toEqual(a.steps.map((s) => s.loss));
  });

  it.each(ENGINES)(
    '%s: --plan: a group at lr 0 leaves its tensors bit-identical, the others train at their rate',
    async (engine) => {
      const base = await loadCheckpoint(TINY_CHAT_DIR);
      const names = [...base.tensors.keys()];
      const frozen = names.filter((n) => n.startsWith('model.layers.1.') || n === 'model.embed_tokens.weight');
      const plan = join(dir, `plan-${engine}.json`);
      writeFileSync(
        plan,
        JSON.stringify({
          format: 'mllr-lr-plan/v1',
          base_model: 'tiny-chat',
          mods_robust: [],
          param_groups: [
            { name: 'frozen', params: frozen, lr: 0, weight_decay: 0 },
            { name: 'trained', params: names.filter((n) => !frozen.includes(n)), lr: 0.005, weight_decay: 0.01 },
          ],
        }),
      );
      const out = join(dir, `planned-${engine}`);
      const { steps } = await runFinetuneJson(
        args(data, out, ['--plan', plan, '--no-shuffle', '--steps', String(PLAN_STEPS)], engine),
      );
      expect(steps).toHaveLength(PLAN_STEPS);
      const tuned = await loadCheckpoint(out);
      for (const name of frozen)
        expect(
          Buffer.from(tuned.tensors.get(name)!.data.buffer).equals(Buffer.from(base.tensors.get(name)!.data.buffer)),
          name,
        ).toBe(true);
      const trained = names.filter((n) => !frozen.includes(n));
      const changed = trained.filter(
        (n) => !Buffer.from(tuned.tensors.get(n)!.data.buffer).equals(Buffer.from(base.tensors.get(n)!.data.buffer)),
      );
      expect(changed).toEqual(trained);
      const record = JSON.parse(readFileSync(join(out, 'finetune.json'), 'utf8'));
      expect(
        record.groups.map((g: { name: string; learning_rate: number; tensors: string[] }) => [
          g.name,
          g.learning_rate,
          g.tensors.length,
        ]),
      ).toEqual([
        ['frozen', 0, frozen.length],
        ['trained', 0.005, trained.length],
      ]);
    },
  );

  it('--data also takes a dataset file of a run config, rendered with the chat template', async () => {
    const text = join(dir, 'chat.jsonl');
    const samples = [
      { prompt: 'What is 2 plus 3?', response: '2 plus 3 is 5.' },
      { prompt: 'Name a color.', response: 'Blue is a color.' },
    ];
    writeFileSync(text, `${samples.map((s) => JSON.stringify(s)).join('\n')}\n`);
    const out = join(dir, 'chat');
    const { steps } = await runFinetuneJson(args(text, out, ['--steps', '2', '--batch-size', '2']));
    expect(steps).toHaveLength(2);
    expect(steps[0]!.tokens).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(join(out, 'finetune.json'), 'utf8'))).toMatchObject({
      data_kind: 'dataset',
      examples: 2,
    });
  });

  it('refuses bad input with exit 2 and a message naming the flag or file, before training', async () => {
    const plan = join(dir, 'ghost-plan.json');
    writeFileSync(
      plan,
      JSON.stringify({
        format: 'mllr-lr-plan/v1',
        param_groups: [{ name: 'a', params: ['model.layers.9.mlp.up_proj.weight'], lr: 1 }],
      }),
    );
    const badRecord = join(dir, 'bad.jsonl');
    writeFileSync(
      badRecord,
      `${JSON.stringify({ ids: [1, 2, 3], prompt_length: 1 })}\n${JSON.stringify({ ids: [1, 99999], prompt_length: 1 })}\n`,
    );
    const taken = join(dir, 'taken');
    mkdirSync(taken, { recursive: true });
    writeFileSync(join(taken, 'finetune.json'), '{}');
    const cases: Array<[string[], string]> = [
      [args(data, taken), `--out ${taken} exists and is not empty`],
      [
        args(data, join(dir, 'x'), ['--plan', plan]),
        `--plan ${plan}: names 1 tensor the model lacks: model.layers.9.mlp.up_proj.weight`,
      ],
      [args(join(dir, 'none.jsonl'), join(dir, 'x')), `--data ${join(dir, 'none.jsonl')}: file not found`],
      [args(badRecord, join(dir, 'x')), `${badRecord}:2: "ids"[1] is 99999, outside the model's vocabulary`],
      [
        ['finetune', '--model', join(dir, 'no-model'), '--data', data, '--out', join(dir, 'x')],
        `--model ${join(dir, 'no-model')}: no such model folder`,
      ],
      [args(data, join(dir, 'x'), ['--lr', 'fast']), '--lr must be a number > 0'],
      [args(data, join(dir, 'x'), ['--steps', '0']), '--steps must be a positive integer'],
    ];
    for (const [argv, message] of cases) {
      const result = await runMllr(argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stdout).toBe('');
    }
  });

  it('--force replaces an earlier result whole', async () => {
    const out = join(dir, 'forced');
    await runFinetuneJson(args(data, out, ['--steps', '1']));
    const { final } = await runFinetuneJson(args(data, out, ['--steps', '2', '--force']));
    expect(final).toMatchObject({ out, steps: 2 });
    expect(JSON.parse(readFileSync(join(out, 'finetune.json'), 'utf8')).settings.steps).toBe(2);
  });
});
