/**
 * Stable error codes. The code, not the message, is what scripts and tests should match on.
 * Each code belongs to one exit class: bad input (2), failure while running (1) or stopped by the user (130).
 */
export const ERROR_CODES = {
  CONFIG_NOT_FOUND: 'input',
  CONFIG_PARSE: 'input',
  CONFIG_INVALID: 'input',
  PLUGIN_UNKNOWN: 'input',
  PLUGIN_NOT_FOUND: 'input',
  PLUGIN_INVALID: 'input',
  PLUGIN_UNAVAILABLE: 'runtime',
  DI_MISSING_INJECT: 'input',
  DI_UNRESOLVED: 'input',
  MODULE_ID_INVALID: 'input',
  SELECTOR_EMPTY: 'input',
  ARGUMENT_INVALID: 'input',
  CHECKPOINT_INVALID: 'input',
  CHECKPOINT_UNSUPPORTED: 'input',
  DATA_INVALID: 'input',
  RUN_FINISHED: 'input',
  RUN_LOCKED: 'input',
  RUN_FOLDER_INVALID: 'input',
  ANALYSIS_DEGENERATE: 'input',
  MODEL_TOO_LARGE: 'input',
  ARTIFACT_INVALID: 'runtime',
  ARTIFACT_WRITE: 'runtime',
  NOT_IMPLEMENTED: 'runtime',
  ENGINE_CRASHED: 'runtime',
  STAGE_FAILED: 'runtime',
  INTERNAL: 'runtime',
  STOPPED: 'stopped',
} as const satisfies Record<string, ErrorClass>;

/** The three outcomes a failed command can have. */
export type ErrorClass = 'input' | 'runtime' | 'stopped';

/** A stable, documented error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Process exit codes shared by every `mllr` command. */
export const EXIT_CODES = { ok: 0, runtime: 1, input: 2, stopped: 130 } as const;

/** Extra structured detail attached to an error (for example one entry per config problem). */
export interface ErrorDetail {
  /** Where the problem is: a file, optionally with `:line:col`, and/or a key path like `proxy.options.sigma`. */
  where?: string;
  message: string;
}

/** The one error type mllr throws on purpose: a stable code, a message for people, optional details. */
export class MllrError extends Error {
  override readonly name = 'MllrError';
  readonly code: ErrorCode;
  readonly details: readonly ErrorDetail[];

  constructor(code: ErrorCode, message: string, options: { details?: readonly ErrorDetail[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? [];
  }

  /** Which exit class this error belongs to. */
  get errorClass(): ErrorClass {
    return ERROR_CODES[this.code];
  }

  /** The process exit code for this error. */
  get exitCode(): number {
    return EXIT_CODES[this.errorClass];
  }

  /** The message followed by one line per detail, as shown to people. */
  describe(): string {
    const lines = [this.message];
    for (const d of this.details) lines.push(`  ${d.where ? `${d.where}: ` : ''}${d.message}`);
    return lines.join('\n');
  }

  /** A plain object that survives IPC and JSON. */
  toJSON(): SerializedError {
    return { code: this.code, message: this.message, details: [...this.details] };
  }

  /** Rebuilds an error sent as `toJSON()` across a process boundary. */
  static fromJSON(data: SerializedError): MllrError {
    const code = (data.code in ERROR_CODES ? data.code : 'INTERNAL') as ErrorCode;
    return new MllrError(code, data.message, { details: data.details ?? [] });
  }
}

/** The wire form of an error. */
export interface SerializedError {
  code: string;
  message: string;
  details?: ErrorDetail[];
}

/** Thrown at a safe point after the user asked to stop; the run can be resumed. */
export class StoppedError extends MllrError {
  constructor(message = 'stopped by the user; rerun on the same folder to resume') {
    super('STOPPED', message);
  }
}

/** Normalises anything thrown into an MllrError, keeping unexpected errors' messages (never their stacks). */
export function toMllrError(error: unknown): MllrError {
  if (error instanceof MllrError) return error;
  if (isSerializedMllrError(error)) return MllrError.fromJSON(error);
  const message = error instanceof Error ? error.message : String(error);
  return new MllrError('INTERNAL', message, { cause: error });
}

function isSerializedMllrError(error: unknown): error is SerializedError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'MllrError' &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

/** The exit code for any thrown value: MllrErrors carry their own, everything else is a runtime failure. */
export function exitCodeFor(error: unknown): number {
  return toMllrError(error).exitCode;
}
