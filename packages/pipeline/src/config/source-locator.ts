import { LineCounter, isMap, isScalar, parseDocument, type Document } from 'yaml';

/** A parsed config file that can tell where a key path sits in the text. */
export class ConfigSource {
  private constructor(
    readonly file: string,
    readonly text: string,
    readonly document: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Parses YAML or JSON (JSON is read as YAML 1.2, so both get line numbers). */
  static parse(file: string, text: string): ConfigSource {
    const lines = new LineCounter();
    const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    return new ConfigSource(file, text, document, lines);
  }

  /** `file:line:col` of the deepest node on `path` that exists (the key itself for unknown keys). */
  locate(path: readonly PropertyKey[], key?: string): string {
    let node: unknown = this.document.contents;
    let offset: number | undefined = rangeStart(node);
    for (const segment of path) {
      const child =
        isMap(node) || hasGet(node) ? (node as { get(k: unknown, keep: true): unknown }).get(segment, true) : undefined;
      if (child === undefined) break;
      node = child;
      offset = rangeStart(node) ?? offset;
    }
    if (key !== undefined && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
      offset = rangeStart(pair?.key) ?? offset;
    }
    return this.at(offset);
  }

  /** `file:line:col` of a character offset in the text. */
  at(offset: number | undefined): string {
    if (offset === undefined) return this.file;
    const pos = this.lines.linePos(offset);
    return `${this.file}:${pos.line}:${pos.col}`;
  }
}

function hasGet(node: unknown): boolean {
  return typeof node === 'object' && node !== null && typeof (node as { get?: unknown }).get === 'function';
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | undefined)?.range;
  return range?.[0];
}
