#!/usr/bin/env node
// Launcher for the `mllr` command: the compiled CLI lives in dist/. `npm ci` builds it (the workspace's `prepare`
// script); where that did not run (`npm ci --ignore-scripts`), a checkout builds it here on first use.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) buildOnFirstUse();
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));

/** Builds the command with the workspace's nx (output on stderr, so `--json` stdout stays clean), or says how to. */
function buildOnFirstUse() {
  const root = new URL('../../../', import.meta.url);
  let nx;
  try {
    if (existsSync(new URL('nx.json', root))) nx = createRequire(new URL('package.json', root)).resolve('nx/bin/nx');
  } catch {
    nx = undefined; // nx is not installed: not a workspace checkout with its dependencies
  }
  if (nx) {
    process.stderr.write('mllr: first use, building the command (nx run @mllr/tui:build)…\n');
    const built = spawnSync(process.execPath, [nx, 'run', '@mllr/tui:build', '--output-style=stream'], {
      cwd: fileURLToPath(root),
      stdio: ['ignore', 2, 2],
      env: { ...process.env, NX_DAEMON: 'false' },
    });
    if (built.status === 0 && existsSync(cli)) return;
  }
  process.stderr.write('mllr: not built yet; run `npx nx run @mllr/tui:build` (or `npm start`, which builds first)\n');
  process.exit(1);
}
