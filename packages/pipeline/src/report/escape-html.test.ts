import { describe, expect, it } from 'vitest';
import { escapeHtml, html, trusted } from './escape-html.js';

describe('escapeHtml', () => {
  it('turns markup into text', () => {
    expect(escapeHtml('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('escapes ampersands first and both quotes, so attribute values cannot be closed', () => {
    expect(escapeHtml(`a&b "c" 'd' &lt;`)).toBe('a&amp;b &quot;c&quot; &#39;d&#39; &amp;lt;');
    expect(escapeHtml('" onmouseover="alert(1)')).not.toContain('"');
  });

  it('leaves plain text alone and accepts numbers', () => {
    expect(escapeHtml('L3.q uniform#2 runs/x y')).toBe('L3.q uniform#2 runs/x y');
    expect(escapeHtml(0.5)).toBe('0.5');
  });
});

describe('html', () => {
  it('escapes every interpolated value unless it is trusted, and joins arrays', () => {
    const id = '<script>alert(1)</script>';
    const out = html`<td title="${id}">${id}</td>${[html`<b>${'a&b'}</b>`, 'x<y']}${trusted('<svg></svg>')}${undefined}${false}${0}`;
    expect(out.value).toBe(
      '<td title="&lt;script&gt;alert(1)&lt;/script&gt;">&lt;script&gt;alert(1)&lt;/script&gt;</td><b>a&amp;b</b>x&lt;y<svg></svg>0',
    );
    expect(String(out)).toBe(out.value);
  });
});
