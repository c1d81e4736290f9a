import { MllrError } from '@mllr/core';

/** The error for malformed data: code DATA_INVALID (exit 2) and a message that starts with where the problem is. */
export function dataError(where: string, what: string, cause?: unknown): MllrError {
  return new MllrError('DATA_INVALID', `${where}: ${what}`, cause === undefined ? {} : { cause });
}

/**
 * A problem with one record rather than with its file: DATA_INVALID like any data error, plus a short reason
 * (`wrong_type`, `missing_field`, …) so a reader told to skip such records can count them by kind.
 */
export class InvalidRecordError extends MllrError {
  constructor(
    readonly where: string,
    readonly reason: string,
    what: string,
    cause?: unknown,
  ) {
    super('DATA_INVALID', `${where}: ${what}`, cause === undefined ? {} : { cause });
  }
}

/** The error for one unusable record: see {@link InvalidRecordError}. */
export function recordError(where: string, reason: string, what: string, cause?: unknown): InvalidRecordError {
  return new InvalidRecordError(where, reason, what, cause);
}

/** A JSON-ish name for the type of a value, for messages ("number", "array", "null"). */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** The message of anything thrown, without its stack. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
