import { MllrError } from '@mllr/core';

const f32 = Math.fround;

/**
 * Sums the gradients of a step's micro-batches, tensor by tensor, in float32 (as the tfjs engine adds them). A step
 * of one micro-batch reads the source's own arrays in place; a step of several sums into buffers this object
 * allocates once per tensor and reuses every step.
 */
export class GradientSum {
  private readonly buffers = new Map<string, Float32Array>();
  private current = new Map<string, Float32Array>();
  private parts = 0;

  /** Starts a new step. */
  reset(): void {
    this.current = new Map();
    this.parts = 0;
  }

  /**
   * Adds one micro-batch's gradients. `expected` are the trainable tensors and their sizes; a source that returns
   * fewer, more or other-sized gradients is a bug in the source, reported by name. `more`: other micro-batches of
   * this step follow, so the source's arrays (valid only until its next call) are copied into this object's buffers.
   */
  add(grads: ReadonlyMap<string, Float32Array>, expected: ReadonlyMap<string, number>, more: boolean): void {
    for (const [name, size] of expected) {
      const g = grads.get(name);
      if (!g) throw new MllrError('INTERNAL', `the gradient source returned no gradient for ${name}`);
      if (g.length !== size)
        throw new MllrError(
          'INTERNAL',
          `the gradient source returned ${g.length} values for ${name}, which has ${size}`,
        );
    }
    if (grads.size !== expected.size) {
      const extra = [...grads.keys()].find((name) => !expected.has(name));
      throw new MllrError('INTERNAL', `the gradient source returned a gradient for ${extra}, which is not trainable`);
    }
    this.parts++;
    if (this.parts === 1) {
      for (const name of expected.keys())
        this.current.set(name, more ? this.copy(name, grads.get(name)!) : grads.get(name)!);
      return;
    }
    for (const name of expected.keys()) {
      const g = grads.get(name)!;
      const sum = this.current.get(name)!;
      for (let i = 0; i < sum.length; i++) sum[i] = f32(sum[i]! + g[i]!);
    }
  }

  /** The summed gradients by tensor name. */
  gradients(): ReadonlyMap<string, Float32Array> {
    return this.current;
  }

  /** √(Σ g²) over every summed gradient, accumulated in float64. */
  globalNorm(): number {
    let total = 0;
    for (const g of this.current.values()) {
      let sum = 0;
      for (let i = 0; i < g.length; i++) sum += g[i]! * g[i]!;
      total += sum;
    }
    return Math.sqrt(total);
  }

  private copy(name: string, values: Float32Array): Float32Array {
    let buffer = this.buffers.get(name);
    if (!buffer) {
      buffer = new Float32Array(values.length);
      this.buffers.set(name, buffer);
    }
    buffer.set(values);
    return buffer;
  }

  /** Frees the buffers (when the trainable set changes, or on dispose). */
  clear(): void {
    this.buffers.clear();
    this.reset();
  }
}
