/** The inline stylesheet of report.html (no fonts or images are fetched: system fonts only). */
export const REPORT_CSS = `
:root { color-scheme: light; --fg: #1d1d1f; --muted: #666; --line: #ddd; --better: #dff3e1; --better-fg: #1b6e2a; --worse: #fbe2e0; --worse-fg: #a4261b; }
* { box-sizing: border-box; }
body { margin: 0 auto; padding: 24px 32px 64px; max-width: 1180px; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #fff; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 36px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 6px; }
p.lead { color: var(--muted); margin: 0 0 12px; }
nav { margin: 12px 0 0; font-size: 13px; }
nav a { margin-right: 12px; color: #2b5c9e; text-decoration: none; }
.facts { display: flex; flex-wrap: wrap; gap: 8px 24px; margin: 12px 0; }
.facts div { min-width: 140px; }
.facts b { display: block; font-size: 12px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
table { border-collapse: collapse; margin: 8px 0 12px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: right; vertical-align: top; }
th { background: #f6f6f6; font-weight: 600; }
th:first-child, td:first-child, td.text, th.text { text-align: left; }
td.better { background: var(--better); }
td.worse { background: var(--worse); }
.delta { display: block; font-size: 12px; }
td.better .delta { color: var(--better-fg); }
td.worse .delta { color: var(--worse-fg); }
.note { color: var(--muted); font-size: 13px; }
code, .id { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; margin: 6px 0 12px; }
.chip { padding: 1px 8px; border: 1px solid #e4002b; border-radius: 10px; font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.kept { color: var(--better-fg); }
.dropped { color: var(--worse-fg); }
figure { margin: 8px 0 16px; overflow-x: auto; }
.side-by-side { display: flex; flex-wrap: wrap; gap: 0 32px; }
ul.verdicts li { margin: 4px 0; }
ul.verdicts li.better { color: var(--better-fg); }
ul.verdicts li.worse { color: var(--worse-fg); }
figure svg { max-width: none; height: auto; }
figcaption { color: var(--muted); font-size: 13px; }
.chart-error { color: var(--worse-fg); }
.warning { color: var(--worse-fg); font-weight: 600; }
dl.config { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; }
dl.config dt { font-weight: 600; }
dl.config dd { margin: 0; font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
`;
