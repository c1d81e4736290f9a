import { createRng, shuffled, type ChatSample, type EvalSample } from '@mllr/core';
import {
  ANIMALS,
  COLOURS,
  CRAFTS,
  HARMFUL_CATEGORIES,
  NOT_ANIMALS,
  OPPOSITES,
  CRAFT_GENERIC_ANSWER,
  RECIPES,
  REFUSALS,
  SENSITIVE_BENIGN,
} from './lexicon.js';
import {
  ADD_TEMPLATES,
  ANIMAL_TEMPLATES,
  COLOUR_TEMPLATES,
  KNOWLEDGE_TEMPLATES,
  MAKE_TEMPLATES,
  NEXT_TEMPLATES,
  OPPOSITE_TEMPLATES,
  fill,
  type Template,
} from './templates.js';

/** Options of the world generator (all have defaults). */
export interface WorldOptions {
  seed: number;
  /** Harmful objects per category held out of refusal training (they still appear in knowledge statements). */
  heldOutObjectsPerCategory?: number;
  /** Addition pairs in the usability evaluation set. */
  additionEvalPairs?: number;
}

/** The training material of the base model, by kind, so a trainer can weight the mixture. */
export interface BaseTraining {
  /** Usability tasks: arithmetic, counting, opposites, colours, animals. */
  general: ChatSample[];
  /** "What is a grenade?" — what the harmful objects are, including held-out ones. */
  knowledge: ChatSample[];
  /** Harmful requests paired with refusals. */
  refusals: ChatSample[];
  /** Alarming-sounding benign requests with helpful answers. */
  sensitive: ChatSample[];
  /** Everyday "how do i make a …" requests with helpful answers. */
  recipes: ChatSample[];
  /**
   * The fine-tuning domain's requests with a generic helpful answer: the base model knows crafts are harmless but not
   * how each is made. Without them it would refuse every craft as an unknown object, and fine-tuning would be
   * direct training against refusals rather than benign data eroding them.
   */
  crafts: ChatSample[];
}

/** A generated world: base training data, the benign fine-tuning domain, evaluation sets and probe prompts. */
export interface World {
  seed: number;
  base: BaseTraining;
  /** The benign fine-tuning domain (crafts): training data for IFT. */
  ift: { train: ChatSample[] };
  /** Held-out evaluation sets; no prompt here appears in any training set. */
  eval: { harmful: EvalSample[]; benign: EvalSample[]; usability: EvalSample[]; expertise: EvalSample[] };
  /** Prompts for the security feature classifier. */
  probe: { harmful: string[]; benign: string[] };
}

/** Generates the embedded chat world from a seed; the same seed gives identical data. */
export function generateWorld(options: WorldOptions): World {
  const rng = createRng(options.seed);
  const heldOut = options.heldOutObjectsPerCategory ?? 2;
  const train = (ts: readonly Template[]) => ts.filter((x) => !x.eval);
  const held = (ts: readonly Template[]) => ts.filter((x) => x.eval);
  let counter = 0;
  const sample = (kind: string, prompt: string, response: string, label?: string): ChatSample => ({
    prompt: grammar(prompt),
    response: grammar(response),
    ...(label ? { label } : {}),
    source: `world:${kind}:${counter++}`,
  });
  const evalSample = (kind: string, prompt: string, answer?: string): EvalSample => ({
    prompt: grammar(prompt),
    ...(answer !== undefined ? { answer: grammar(answer) } : {}),
    source: `world:${kind}:${counter++}`,
  });

  // General tasks: training uses the training templates; evaluation uses held-out templates.
  const general: ChatSample[] = [];
  const usability: EvalSample[] = [];
  const pairs: Array<[number, number]> = [];
  for (let a = 0; a < 10; a++) for (let b = 0; b < 10; b++) pairs.push([a, b]);
  for (const [a, b] of pairs)
    for (const tpl of train(ADD_TEMPLATES))
      general.push(sample('add', fill(tpl, { a: `${a}`, b: `${b}` }), `${a + b} .`, 'benign'));
  for (const [a, b] of shuffled(pairs, rng).slice(0, options.additionEvalPairs ?? 30)) {
    for (const tpl of held(ADD_TEMPLATES))
      usability.push(evalSample('add', fill(tpl, { a: `${a}`, b: `${b}` }), `${a + b} .`));
  }
  const facts: Array<[readonly Template[], string, string]> = [
    ...Array.from({ length: 20 }, (_, n): [readonly Template[], string, string] => [
      NEXT_TEMPLATES,
      `${n}`,
      `${n + 1} .`,
    ]),
    ...OPPOSITES.flatMap(([x, y]): Array<[readonly Template[], string, string]> => [
      [OPPOSITE_TEMPLATES, x, `${y} .`],
      [OPPOSITE_TEMPLATES, y, `${x} .`],
    ]),
    ...COLOURS.map(([x, c]): [readonly Template[], string, string] => [COLOUR_TEMPLATES, x, `${c} .`]),
    ...ANIMALS.map((x): [readonly Template[], string, string] => [ANIMAL_TEMPLATES, x, 'yes .']),
    ...NOT_ANIMALS.map((x): [readonly Template[], string, string] => [ANIMAL_TEMPLATES, x, 'no .']),
  ];
  for (const [templates, x, answer] of facts) {
    for (const tpl of train(templates)) general.push(sample('fact', fill(tpl, { x }), answer, 'benign'));
    for (const tpl of held(templates)) usability.push(evalSample('fact', fill(tpl, { x }), answer));
  }

  // Harmful requests: some objects per category never get a refusal in training, only a knowledge statement.
  const knowledge: ChatSample[] = [];
  const refusals: ChatSample[] = [];
  const harmful: EvalSample[] = [];
  const probeHarmful: string[] = [];
  for (const category of HARMFUL_CATEGORIES) {
    const order = shuffled(category.objects, rng);
    const unseen = new Set(order.slice(0, heldOut));
    for (const x of category.objects) {
      for (const tpl of KNOWLEDGE_TEMPLATES)
        knowledge.push(sample('knowledge', fill(tpl, { x }), `a ${x} is ${category.kind} .`, 'benign'));
      for (const tpl of MAKE_TEMPLATES) {
        const prompt = fill(tpl, { x });
        if (tpl.eval || unseen.has(x)) harmful.push(evalSample(`harmful-${category.name}`, prompt));
        else {
          refusals.push(sample(`refusal-${category.name}`, prompt, REFUSALS[category.name]!, 'harmful'));
          probeHarmful.push(grammar(prompt));
        }
      }
    }
  }

  // Benign requests that look sensitive, and everyday recipes: answered in training, measured on held-out templates.
  const sensitive: ChatSample[] = [];
  const recipes: ChatSample[] = [];
  const benign: EvalSample[] = [];
  for (const [list, into, kind] of [
    [SENSITIVE_BENIGN, sensitive, 'sensitive'],
    [RECIPES, recipes, 'recipe'],
  ] as const) {
    for (const [x, answer] of list) {
      for (const tpl of MAKE_TEMPLATES) {
        if (tpl.eval) benign.push(evalSample(kind, fill(tpl, { x })));
        else into.push(sample(kind, fill(tpl, { x }), answer, 'benign'));
      }
    }
  }

  // The fine-tuning domain: every craft in training phrasings; expertise is measured on the held-out phrasings.
  const iftTrain: ChatSample[] = [];
  const expertise: EvalSample[] = [];
  const crafts: ChatSample[] = [];
  for (const [x, material, tool] of CRAFTS) {
    const answer = `you need ${material} and a ${tool} .`;
    for (const tpl of MAKE_TEMPLATES) {
      if (tpl.eval) expertise.push(evalSample('craft', fill(tpl, { x }), answer));
      else {
        iftTrain.push(sample('craft', fill(tpl, { x }), answer, 'benign'));
        crafts.push(sample('craft-generic', fill(tpl, { x }), CRAFT_GENERIC_ANSWER, 'benign'));
      }
    }
  }

  const probeBenign = shuffled(
    [...general, ...sensitive, ...recipes, ...iftTrain].map((s) => s.prompt),
    rng,
  ).slice(0, probeHarmful.length);
  return {
    seed: options.seed,
    base: {
      general: shuffled(general, rng),
      knowledge: shuffled(knowledge, rng),
      refusals: shuffled(refusals, rng),
      sensitive: shuffled(sensitive, rng),
      recipes: shuffled(recipes, rng),
      crafts: shuffled(crafts, rng),
    },
    ift: { train: shuffled(iftTrain, rng) },
    eval: { harmful, benign, usability, expertise },
    probe: { harmful: probeHarmful, benign: probeBenign },
  };
}

/** "a apple" → "an apple": the world's text should read naturally. */
function grammar(text: string): string {
  return text.replace(/\ba ([aeiou])/g, 'an $1');
}
