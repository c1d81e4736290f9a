import type { TopLevelSpec } from 'vega-lite';

/** What a chart may never contain once inlined in report.html: scripts, foreign HTML, event handlers, links. */
const UNSAFE_SVG =
  /<\s*script|<\s*foreignObject|<\s*iframe|<\s*image|\son[a-z]+\s*=|javascript:|\shref\s*=|xlink:href/i;

/** Thrown when a rendered chart contains something that must not reach the report. */
export class UnsafeSvgError extends Error {
  constructor(match: string) {
    super(`the chart SVG contains ${JSON.stringify(match)}`);
    this.name = 'UnsafeSvgError';
  }
}

/** Throws UnsafeSvgError if the SVG holds a script, foreign content, an event handler or a link; returns it otherwise. */
export function checkSvg(svg: string): string {
  const match = UNSAFE_SVG.exec(svg);
  if (match) throw new UnsafeSvgError(match[0]);
  if (!svg.trimStart().startsWith('<svg')) throw new UnsafeSvgError(svg.slice(0, 20));
  return svg;
}

/** Options of renderSvg. */
export interface RenderSvgOptions {
  /** Receives Vega-Lite's and Vega's warnings (default: dropped, so a report never writes to stderr). */
  onWarning?: (message: string) => void;
}

/**
 * Renders a Vega-Lite spec to a standalone SVG string in Node: Vega-Lite compiles it to Vega, and a headless Vega
 * view (`renderer: 'none'`, no canvas module needed) serialises its scenegraph. Vega escapes every text and attribute
 * it writes; the result is checked again by `checkSvg`. Strings from runs must only ever be data values in the spec,
 * never field names or expressions.
 */
export async function renderSvg(spec: TopLevelSpec, options: RenderSvgOptions = {}): Promise<string> {
  // Loaded on first use: the report stage is the only user, and vega is a large module graph.
  const vega = await import('vega');
  const { compile } = await import('vega-lite');
  const warn = options.onWarning ?? (() => {});
  const logger = vega.logger(vega.Warn, undefined, (method, _level, args) => {
    if (method !== 'log') warn(args.map(String).join(' '));
  });
  const compiled = compile(spec, { logger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger, logLevel: vega.Warn });
  try {
    return checkSvg(await view.toSVG());
  } finally {
    view.finalize();
  }
}
