const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text made safe for HTML element content and quoted attribute values: `& < > " '` become entities. Every string
 * that comes from a model, dataset or config (prompts, module and run ids, paths) goes through it before it reaches
 * report.html.
 */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A fragment of HTML that `html` inserts as it is (already escaped, or produced by a trusted renderer). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Marks trusted markup (a checked chart SVG, a fragment built by `html`) to be inserted unescaped. */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/**
 * Template tag that escapes every interpolated value unless it is SafeHtml; arrays are joined, null, undefined and
 * false insert nothing. Escaping is the default, so a forgotten call cannot let a string through raw.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  for (const [i, value] of values.entries()) out += fragment(value) + strings[i + 1]!;
  return new SafeHtml(out);
}

function fragment(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(fragment).join('');
  return escapeHtml(value);
}
