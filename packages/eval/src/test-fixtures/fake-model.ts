import type {
  BatchLogits,
  ChatMessage,
  GenerateOptions,
  InferenceEngine,
  ModelArchitecture,
  TokenBatch,
  Tokenizer,
} from '@mllr/core';

const SPECIAL = ['<bos>', '<eos>', '<pad>', '<user>', '<assistant>'];

/**
 * A whitespace word-level tokenizer whose vocabulary grows as it sees words (ids after the five specials), with a
 * template `<user> {content} <eos> <assistant>`. Encoding a rendered prompt gives one token per word.
 */
export class FakeTokenizer implements Tokenizer {
  readonly bosTokenId = 0;
  readonly eosTokenIds = [1];
  readonly padTokenId = 2;
  private readonly words: string[] = [...SPECIAL];
  private readonly ids = new Map(SPECIAL.map((w, i) => [w, i]));

  get vocabSize(): number {
    return this.words.length;
  }

  /** The id of a word, adding it to the vocabulary the first time. */
  id(word: string): number {
    let id = this.ids.get(word);
    if (id === undefined) {
      id = this.words.length;
      this.words.push(word);
      this.ids.set(word, id);
    }
    return id;
  }

  encode(text: string, options: { addSpecialTokens?: boolean } = {}): number[] {
    const ids = text
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => this.id(w));
    return (options.addSpecialTokens ?? true) ? [this.bosTokenId, ...ids] : ids;
  }

  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    return ids
      .filter((id) => !(options.skipSpecialTokens && id < SPECIAL.length))
      .map((id) => this.words[id] ?? '<?>')
      .join(' ');
  }

  applyChatTemplate(messages: readonly ChatMessage[], options: { addGenerationPrompt?: boolean } = {}): string {
    const body = messages.map((m) => `<${m.role}> ${m.content} <eos>`).join(' ');
    return options.addGenerationPrompt ? `${body} <assistant>` : body;
  }
}

/** A tiny architecture with a given context length. */
export function fakeArchitecture(maxPositionEmbeddings: number): ModelArchitecture {
  return {
    family: 'llama',
    vocabSize: 1000,
    hiddenSize: 8,
    numLayers: 1,
    numHeads: 1,
    numKvHeads: 1,
    headDim: 8,
    intermediateSize: 16,
    maxPositionEmbeddings,
    ropeTheta: 10000,
    rmsNormEps: 1e-6,
    qkvBias: false,
    tieWordEmbeddings: true,
    eosTokenIds: [1],
  };
}

/**
 * An engine with scripted behaviour: `reply(userContent)` gives the text it "generates" (followed by `<eos>`), and
 * `logits` predicts, at every position, the next token of whichever `known` text the sequence continues (token 0
 * otherwise). It records the prompts and options of every call.
 */
export class FakeEngine implements InferenceEngine {
  readonly name = 'fake';
  readonly device = 'cpu';
  readonly architecture: ModelArchitecture;
  readonly generateCalls: { prompts: number[][]; options: GenerateOptions }[] = [];
  readonly logitsCalls: TokenBatch[] = [];

  constructor(
    private readonly tokenizer: FakeTokenizer,
    private readonly reply: (userContent: string) => string,
    options: { context?: number; known?: string[] } = {},
  ) {
    this.architecture = fakeArchitecture(options.context ?? 64);
    this.known = (options.known ?? []).map((text) => tokenizer.encode(text, { addSpecialTokens: false }));
  }

  private readonly known: number[][];

  generate(prompts: number[][], options: GenerateOptions): Promise<number[][]> {
    this.generateCalls.push({ prompts: prompts.map((p) => [...p]), options });
    return Promise.resolve(
      prompts.map((ids) => {
        const text = this.tokenizer.decode(ids, { skipSpecialTokens: true });
        return [...this.tokenizer.encode(this.reply(text), { addSpecialTokens: false }), 1].slice(
          0,
          options.maxNewTokens,
        );
      }),
    );
  }

  logits(batch: TokenBatch): Promise<BatchLogits> {
    this.logitsCalls.push(batch);
    const vocabSize = this.tokenizer.vocabSize;
    const data = batch.sequences.map((sequence) => {
      const out = new Float32Array(sequence.length * vocabSize);
      for (let p = 0; p < sequence.length; p++) out[p * vocabSize + this.predict(sequence.slice(0, p + 1))] = 1;
      return out;
    });
    return Promise.resolve({ vocabSize, data });
  }

  /** The token after `prefix`: the continuation of the known text whose start is the longest suffix of `prefix`. */
  private predict(prefix: number[]): number {
    let best = { length: 0, token: 0 };
    for (const text of this.known) {
      for (let k = Math.min(text.length - 1, prefix.length); k > best.length; k--) {
        if (text.slice(0, k).every((t, i) => t === prefix[prefix.length - k + i])) {
          best = { length: k, token: text[k]! };
          break;
        }
      }
    }
    return best.token;
  }

  lastTokenHiddenStates(): never {
    throw new Error('not scripted');
  }

  setWeights(): Promise<void> {
    return Promise.resolve();
  }

  dispose(): Promise<void> {
    return Promise.resolve();
  }
}
