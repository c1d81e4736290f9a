import { describe, expect, it } from 'vitest';
import { UnsafeSvgError, checkSvg, renderSvg } from './render-svg.js';

describe('renderSvg', () => {
  it('renders Vega-Lite to SVG in Node without a canvas, with data text escaped', async () => {
    const svg = await renderSvg({
      data: {
        values: [
          { name: '<script>alert(1)</script>', n: 1 },
          { name: `a"b'c&d`, n: 2 },
        ],
      },
      mark: 'bar',
      encoding: { x: { field: 'name', type: 'nominal' }, y: { field: 'n', type: 'quantitative' } },
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).not.toMatch(/<script/i);
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).not.toMatch(/\s(?:src|href)="https?:/);
  });

  it('passes warnings to the caller instead of the console', async () => {
    const warnings: string[] = [];
    // A shape scale cannot be continuous: Vega-Lite warns and drops it.
    const spec = {
      data: { values: [{ a: 1 }] },
      mark: 'point',
      encoding: { x: { field: 'a', type: 'quantitative' }, shape: { field: 'a', type: 'quantitative' } },
    };
    await renderSvg(spec as never, { onWarning: (w) => warnings.push(w) });
    expect(warnings.length).toBeGreaterThan(0);
  });
});

describe('checkSvg', () => {
  it('refuses scripts, foreign content, handlers and links', () => {
    for (const bad of [
      '<svg><script>x</script></svg>',
      '<svg><foreignObject/></svg>',
      '<svg onload="x"></svg>',
      '<svg><a href="https://x">x</a></svg>',
      'x<svg></svg>',
    ]) {
      expect(() => checkSvg(bad)).toThrow(UnsafeSvgError);
    }
    expect(checkSvg('<svg xmlns="http://www.w3.org/2000/svg"><text>&lt;script&gt;</text></svg>')).toContain(
      '&lt;script&gt;',
    );
  });
});
