#!/usr/bin/env node
// Launcher for the `mllr` command: the compiled CLI lives in dist/ (built by `npm start` or `nx run @mllr/tui:build`).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('mllr: not built yet; run `npx nx run @mllr/tui:build` (or `npm start`, which builds first)\n');
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
