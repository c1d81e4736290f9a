// Public API of @mllr/tui: the command line as a function, and the renderers for embedding.
export { buildProgram, main, VERSION } from './cli.js';
export { processIo } from './cli-io.js';
export type { CliIo } from './cli-io.js';
export { runCommand } from './commands/run-command.js';
export type { RunCommandOptions } from './commands/run-command.js';
export { renderRunLines, renderRunJson, printErrorDetails } from './render/render-run-lines.js';
export type { RunRenderer } from './render/run-renderer.js';
export { EventLineFormatter } from './render/format-event-line.js';
export { etaSeconds, formatDuration, initialRunViewState, reduceRunView } from './dashboard/run-view-state.js';
export type { LogLine, RunViewState, StageView } from './dashboard/run-view-state.js';
export { initialStageResults, reduceStageResults } from './dashboard/results/stage-results.js';
export type { ProbeLayer, SearchDecision, SearchProgress, StageResults } from './dashboard/results/stage-results.js';
export type { BoundedCurve, CurvePoint } from './dashboard/results/bounded-curve.js';
