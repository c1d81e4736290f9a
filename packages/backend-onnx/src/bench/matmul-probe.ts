import { MllrError } from '@mllr/core';
import { cpuSessionOptions } from '../engine/execution-provider.js';
import { loadOnnxRuntime } from '../engine/load-runtime.js';
import { IR_VERSION, OPSET } from '../export/encode-model.js';
import { GraphBuilder } from '../export/graph-builder.js';
import { ElemType, onnx } from '../export/onnx-proto.js';

/** How to measure ONNX Runtime's MatMul. */
export interface OnnxMatMulProbeOptions {
  /** Side of the square matrices (default 512). */
  size?: number;
  /** Intra-op CPU threads (default: os.availableParallelism(), as the engine). */
  threads?: number;
  /** Timed runs after one warm-up run; the median is reported (default 10). */
  repeats?: number;
}

/** The GFLOP/s of one n×n·n×n MatMul on ONNX Runtime's CPU execution provider: the ceiling for the onnx engine. */
export async function measureOnnxMatMulGflops(options: OnnxMatMulProbeOptions = {}): Promise<number> {
  const n = options.size ?? 512;
  const repeats = options.repeats ?? 10;
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(repeats) || repeats < 1) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `the MatMul probe needs a whole size and repeats ≥ 1, not ${n} and ${repeats}`,
    );
  }
  const ort = await loadOnnxRuntime();
  const graph = new GraphBuilder();
  graph.input('a', ElemType.FLOAT, [n, n]);
  graph.input('b', ElemType.FLOAT, [n, n]);
  graph.op('MatMul', ['a', 'b'], {}, 'y');
  graph.output('y', ElemType.FLOAT, [n, n]);
  const model = onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: 'mllr',
      graph: onnx.GraphProto.create({ name: 'matmul', node: graph.nodes, input: graph.inputs, output: graph.outputs }),
    }),
  ).finish();
  const session = await ort.InferenceSession.create(model, cpuSessionOptions(options.threads));
  try {
    const values = Float32Array.from({ length: n * n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
    const feeds = { a: new ort.Tensor('float32', values, [n, n]), b: new ort.Tensor('float32', values, [n, n]) };
    await session.run(feeds);
    const seconds: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const started = performance.now();
      await session.run(feeds);
      seconds.push((performance.now() - started) / 1000);
    }
    seconds.sort((x, y) => x - y);
    return (2 * n ** 3) / seconds[Math.floor(seconds.length / 2)]! / 1e9;
  } finally {
    await session.release();
  }
}
