import { MllrError } from '@mllr/core';
import { selectTfjsDevice, type TfjsDevice } from '../device/select-device.js';
import { tf } from '../tf.js';

/** How to measure TensorFlow.js's MatMul. */
export interface TfjsMatMulProbeOptions {
  /** Side of the square matrices (default 512). */
  size?: number;
  /** Timed runs after one warm-up run; the median is reported (default 10). */
  repeats?: number;
  /** Device preference, as for the engine (default `auto`). */
  device?: 'auto' | TfjsDevice;
}

/** The GFLOP/s of one n×n·n×n MatMul on the selected TensorFlow.js backend: the ceiling for the tfjs engine. */
export async function measureTfjsMatMulGflops(options: TfjsMatMulProbeOptions = {}): Promise<number> {
  const n = options.size ?? 512;
  const repeats = options.repeats ?? 10;
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(repeats) || repeats < 1) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `the MatMul probe needs a whole size and repeats ≥ 1, not ${n} and ${repeats}`,
    );
  }
  await selectTfjsDevice(options.device ?? 'auto');
  const values = Float32Array.from({ length: n * n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const a = tf.tensor2d(values, [n, n]);
  const b = tf.tensor2d(values, [n, n]);
  try {
    const run = () => {
      const y = tf.matMul(a, b);
      y.dataSync();
      y.dispose();
    };
    run();
    const seconds: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const started = performance.now();
      run();
      seconds.push((performance.now() - started) / 1000);
    }
    seconds.sort((x, y) => x - y);
    return (2 * n ** 3) / seconds[Math.floor(seconds.length / 2)]! / 1e9;
  } finally {
    tf.dispose([a, b]);
  }
}
