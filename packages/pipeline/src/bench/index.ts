// Public API of mllr's benchmark (`mllr bench`): the measurement, its pure parts, and the PyTorch peer runner.
export { BENCH_ENGINES, runBench } from './run-bench.js';
export type { BenchEngine, BenchOptions } from './run-bench.js';
export {
  forwardFlopsPerToken,
  generateFlopsPerNewToken,
  matmulParameters,
  median,
  ratio,
  trainFlopsPerToken,
} from './bench-math.js';
export { peerRatios, perEngine, taskResult, tokensPerSecond } from './bench-report.js';
export type { BenchReport, EngineResult, PeerRatios, PeerResult, PerEngine, TaskResult } from './bench-report.js';
export { bestPeer, fastest, parseBenchShape, peakRssBytes, threadCandidates } from './best-run.js';
export type { PeerBest } from './best-run.js';
export { REFERENCE_SHAPE, syntheticSequences } from './reference-shape.js';
export type { BenchShape } from './reference-shape.js';
export { readStageTimings } from './stage-timings.js';
export { checkPytorchPeer, defaultPeerScript, peerBlasDir, peerPython, runPytorchPeer } from './pytorch-peer.js';
export type { PeerOptions } from './pytorch-peer.js';
export { timeRuns } from './timed-runs.js';
export type { TimedRuns } from './timed-runs.js';
