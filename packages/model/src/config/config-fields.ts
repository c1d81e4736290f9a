import { MllrError } from '@mllr/core';
import { isJsonObject } from '../files/read-json-file.js';
import { ARCHITECTURE_LIMITS } from './architecture-limits.js';

/**
 * Reads typed fields from a raw config.json object; every problem is an error naming the file and the field.
 * `prefix` names a nested object (`rope_scaling.`) so that its fields are reported by their full path.
 */
export class ConfigFields {
  constructor(
    private readonly raw: Record<string, unknown>,
    private readonly file: string,
    private readonly prefix = '',
  ) {}

  /** The raw value, with JSON `null` treated as absent (HF writes `null` for "use the default"). */
  value(field: string): unknown {
    const v = Object.hasOwn(this.raw, field) ? this.raw[field] : undefined;
    return v === null ? undefined : v;
  }

  /** A required positive integer. */
  positiveInt(field: string): number {
    const v = this.value(field);
    if (v === undefined) throw this.invalid(field, 'is missing (a positive integer is required)');
    return this.checkPositiveInt(field, v);
  }

  /** An optional positive integer with a default. */
  positiveIntOr(field: string, fallback: number): number {
    const v = this.value(field);
    return v === undefined ? fallback : this.checkPositiveInt(field, v);
  }

  /** A required positive finite number. */
  positiveNumber(field: string): number {
    if (this.value(field) === undefined) throw this.invalid(field, 'is missing (a positive number is required)');
    return this.positiveNumberOr(field, 0);
  }

  /** An optional nested object (absent or null gives undefined), read with the same checks; its errors name `field.inner`. */
  objectOr(field: string): ConfigFields | undefined {
    const v = this.value(field);
    if (v === undefined) return undefined;
    if (!isJsonObject(v)) throw this.invalid(field, `must be an object or null, got ${show(v)}`);
    return new ConfigFields(v, this.file, `${this.prefix}${field}.`);
  }

  /** An optional positive finite number with a default. */
  positiveNumberOr(field: string, fallback: number): number {
    const v = this.value(field);
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
      throw this.invalid(field, `must be a positive number, got ${show(v)}`);
    return v;
  }

  /** An optional boolean with a default. */
  booleanOr(field: string, fallback: boolean): boolean {
    const v = this.value(field);
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') throw this.invalid(field, `must be true or false, got ${show(v)}`);
    return v;
  }

  /** An optional token id (a non-negative integer below `vocabSize`). */
  tokenId(field: string, vocabSize: number): number | undefined {
    const v = this.value(field);
    return v === undefined ? undefined : this.checkTokenId(field, v, vocabSize);
  }

  /** A token id or a list of them (`eos_token_id` may be either); absent gives []. */
  tokenIds(field: string, vocabSize: number): number[] {
    const v = this.value(field);
    if (v === undefined) return [];
    const list = Array.isArray(v) ? v : [v];
    return [...new Set(list.map((id) => this.checkTokenId(field, id, vocabSize)))];
  }

  /** A CHECKPOINT_INVALID error about one field. */
  invalid(field: string, why: string): MllrError {
    return new MllrError('CHECKPOINT_INVALID', `${this.file}: field "${this.prefix}${field}" ${why}`);
  }

  /** A CHECKPOINT_UNSUPPORTED error about one field. */
  unsupported(field: string, why: string): MllrError {
    return new MllrError('CHECKPOINT_UNSUPPORTED', `${this.file}: field "${this.prefix}${field}" ${why}`);
  }

  private checkPositiveInt(field: string, v: unknown): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0)
      throw this.invalid(field, `must be a positive integer, got ${show(v)}`);
    const limit = (ARCHITECTURE_LIMITS as Record<string, number>)[field];
    if (limit !== undefined && v > limit) {
      throw this.unsupported(
        field,
        `is ${v}, above the ${limit} mllr accepts (no real model is this large; is the file corrupt?)`,
      );
    }
    return v;
  }

  private checkTokenId(field: string, v: unknown, vocabSize: number): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      throw this.invalid(field, `must be a non-negative integer token id, got ${show(v)}`);
    }
    if (v >= vocabSize) throw this.invalid(field, `is ${v}, outside the vocabulary (vocab_size ${vocabSize})`);
    return v;
  }
}

/** A short rendering of a bad value for error messages. */
export function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
