import { resolve } from 'node:path';
import { createProjectGraphAsync } from '@nx/devkit';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

async function lintAs(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: resolve(root, file) });
  return result!.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('module boundaries (DESIGN.md: apps → pipeline → plugins → model → core)', () => {
  beforeAll(async () => {
    // The lint rule reads the cached project graph and silently skips itself without one.
    await createProjectGraphAsync({ exitOnError: false });
  }, 60_000);

  it('lets the app import the pipeline and core', async () => {
    expect(
      await lintAs(
        'apps/tui/src/probe.ts',
        "import { startRun } from '@mllr/pipeline';\nimport { MllrError } from '@mllr/core';\nexport { startRun, MllrError };\n",
      ),
    ).toEqual([]);
  });

  it('fails lint when a plugin imports another plugin', async () => {
    const messages = await lintAs(
      'packages/search/src/probe.ts',
      "import { MlLrSchedule } from '@mllr/schedules';\nexport { MlLrSchedule };\n",
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(
      'A project tagged with "type:plugin" can only depend on libs tagged with "type:model", "type:core"',
    );
  });

  it('fails lint on an upward import that would close a cycle', async () => {
    const messages = await lintAs(
      'packages/pipeline/src/probe.ts',
      "import { main } from '@mllr/tui';\nexport { main };\n",
    );
    expect(messages.join('\n')).toMatch(
      /Circular dependency between "@mllr\/pipeline" and "@mllr\/tui"|can only depend on libs tagged with/,
    );
  });
});
