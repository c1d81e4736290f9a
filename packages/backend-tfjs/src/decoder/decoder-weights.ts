import { MllrError, type ModelArchitecture, type NamedTensor } from '@mllr/core';
import { tf } from '../tf.js';

let nextEngineId = 0;

/** The model's weights as tfjs variables, by Hugging Face name. */
export class DecoderWeights {
  private readonly variables = new Map<string, tf.Variable>();
  private readonly prefix = `mllr${nextEngineId++}`;

  constructor(
    readonly architecture: ModelArchitecture,
    tensors: ReadonlyMap<string, NamedTensor>,
  ) {
    for (const [name, tensor] of tensors) {
      // tfjs variable names are process-global; the prefix lets several engines live side by side.
      const initial = tf.tensor(tensor.data, tensor.shape, 'float32');
      this.variables.set(name, tf.variable(initial, true, `${this.prefix}/${name}`));
      initial.dispose(); // the variable keeps its own reference to the data
    }
  }

  /** Names of every weight. */
  names(): string[] {
    return [...this.variables.keys()];
  }

  get(name: string): tf.Variable {
    const v = this.variables.get(name);
    if (!v) throw new MllrError('CHECKPOINT_INVALID', `the model has no tensor ${name}`);
    return v;
  }

  /** The weight if present (optional tensors such as biases). */
  find(name: string): tf.Variable | undefined {
    return this.variables.get(name);
  }

  /** The output projection: lm_head, or the embedding matrix when tied. */
  head(): tf.Variable {
    return this.architecture.tieWordEmbeddings ? this.get('model.embed_tokens.weight') : this.get('lm_head.weight');
  }

  /** Copies weights out as float32 arrays. */
  async read(names: readonly string[]): Promise<NamedTensor[]> {
    return Promise.all(
      names.map(async (name) => {
        const v = this.get(name);
        return { name, shape: [...v.shape], data: (await v.data()) as Float32Array };
      }),
    );
  }

  /** Overwrites weights in place; shapes must match. */
  write(tensors: readonly NamedTensor[]): void {
    for (const t of tensors) {
      const v = this.get(t.name);
      if (t.shape.length !== v.shape.length || t.shape.some((d, i) => d !== v.shape[i])) {
        throw new MllrError(
          'ARGUMENT_INVALID',
          `tensor ${t.name} has shape [${t.shape}] but the model's is [${v.shape}]`,
        );
      }
      tf.tidy(() => v.assign(tf.tensor(t.data, t.shape, 'float32')));
    }
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
  }
}
