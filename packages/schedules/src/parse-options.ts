import { MllrError } from '@mllr/core';
import type { z, ZodType } from 'zod';

/**
 * Validates options against a schema and fills defaults; problems are one ARGUMENT_INVALID error with a detail per
 * problem at `where` (`options.alpha`), the way config errors are reported.
 */
export function parseOptions<S extends ZodType>(
  schema: S,
  options: unknown,
  what: string,
  where = 'options',
): z.output<S> {
  const parsed = schema.safeParse(options ?? {});
  if (parsed.success) return parsed.data;
  throw new MllrError('ARGUMENT_INVALID', `options of ${what} are invalid:`, {
    details: parsed.error.issues.map((issue) => ({
      where: [where, ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  });
}
