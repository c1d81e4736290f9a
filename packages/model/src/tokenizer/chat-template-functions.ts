import type { Template } from '@huggingface/jinja';

/**
 * The functions chat templates may call, as transformers provides them: `raise_exception(message)` (templates refuse
 * messages they cannot render with it) and `strftime_now(format)` (Llama 3.x templates put today's date in the system
 * prompt). `range` and `namespace` come from the renderer itself.
 */
export const TEMPLATE_FUNCTIONS = ['raise_exception', 'strftime_now', 'range', 'namespace'] as const;

/** What a template's `raise_exception(message)` throws: the template refused its input with `message`. */
export class TemplateRaisedError extends Error {
  override readonly name = 'TemplateRaisedError';
}

/** What a call to a function the renderer lacks throws; `functionName` is the name the template called. */
export class UnsupportedTemplateFunctionError extends Error {
  override readonly name = 'UnsupportedTemplateFunctionError';
  constructor(readonly functionName: string) {
    super(
      `the chat template calls ${functionName}(), which mllr's template renderer does not provide (it has ${TEMPLATE_FUNCTIONS.join(', ')})`,
    );
  }
}

/** transformers' `raise_exception`: ends the render with the template's own message. */
export function raiseException(message: unknown): never {
  throw new TemplateRaisedError(typeof message === 'string' ? message : String(message));
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * strftime directives, as Python's `datetime.strftime` writes them in the C locale (English names), on local time:
 * transformers renders `strftime_now` with Python, so a template's date reads the same under mllr.
 */
const DIRECTIVES: Record<string, (d: Date) => string> = {
  a: (d) => DAYS[d.getDay()]!.slice(0, 3),
  A: (d) => DAYS[d.getDay()]!,
  b: (d) => MONTHS[d.getMonth()]!.slice(0, 3),
  B: (d) => MONTHS[d.getMonth()]!,
  d: (d) => pad(d.getDate()),
  H: (d) => pad(d.getHours()),
  I: (d) => pad(d.getHours() % 12 === 0 ? 12 : d.getHours() % 12),
  j: (d) =>
    pad(
      Math.round(
        (Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) - Date.UTC(d.getFullYear(), 0, 1)) / 86_400_000,
      ) + 1,
      3,
    ),
  m: (d) => pad(d.getMonth() + 1),
  M: (d) => pad(d.getMinutes()),
  p: (d) => (d.getHours() < 12 ? 'AM' : 'PM'),
  S: (d) => pad(d.getSeconds()),
  y: (d) => pad(d.getFullYear() % 100),
  Y: (d) => String(d.getFullYear()),
  '%': () => '%',
};

/**
 * Formats `date` with a strftime `format` (%a %A %b %B %d %H %I %j %m %M %p %S %y %Y %%). Any other directive is an
 * error naming it: writing it through unformatted would put a wrong date in the prompt without anyone noticing.
 */
export function strftime(date: Date, format: string): string {
  return format.replace(/%(.?)/gs, (whole: string, directive: string) => {
    const write = DIRECTIVES[directive];
    if (!write) {
      throw new Error(
        `strftime_now(${JSON.stringify(format)}): the directive ${JSON.stringify(whole)} is not supported (supported: %${Object.keys(DIRECTIVES).join(' %')})`,
      );
    }
    return write(date);
  });
}

/** transformers' `strftime_now(format)`: the current local date and time formatted with {@link strftime}. */
export function strftimeNow(format: unknown): string {
  if (typeof format !== 'string') throw new Error(`strftime_now needs a format string, got ${String(format)}`);
  return strftime(new Date(), format);
}

interface AstNode {
  type: string;
  [key: string]: unknown;
}

const isNode = (value: unknown): value is AstNode =>
  typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';

/**
 * The plain names a template calls as functions (`foo(…)`), less the macros it defines itself. Filters written as
 * calls (`x | tojson(indent=2)`) and methods (`s.strip()`) are not functions of the environment, so they are left out.
 */
export function calledFunctionNames(program: Template['parsed']): string[] {
  const called = new Set<string>();
  const macros = new Set<string>();
  const visit = (value: unknown, skipCallee: boolean): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, false);
      return;
    }
    if (value instanceof Map) {
      for (const [key, item] of value) {
        visit(key, false);
        visit(item, false);
      }
      return;
    }
    if (!isNode(value)) return;
    if (value.type === 'CallExpression' && !skipCallee) {
      const callee = value['callee'];
      if (isNode(callee) && callee.type === 'Identifier' && typeof callee['value'] === 'string')
        called.add(callee['value']);
    }
    if (value.type === 'Macro') {
      const name = value['name'];
      if (isNode(name) && typeof name['value'] === 'string') macros.add(name['value']);
    }
    for (const [key, child] of Object.entries(value)) {
      // A filter's call node names the filter, not a function: visit only its arguments.
      visit(child, value.type === 'FilterExpression' && key === 'filter');
    }
  };
  visit(program, false);
  return [...called].filter((name) => !macros.has(name)).sort();
}
