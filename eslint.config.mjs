// Lint rules for every project. The module-boundary rule enforces DESIGN.md's dependency direction:
// apps → pipeline → plugin packages → model → core, and plugins never import each other.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.nx/**', '**/runs/**', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:core', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:model', onlyDependOnLibsWithTags: ['type:core'] },
            { sourceTag: 'type:plugin', onlyDependOnLibsWithTags: ['type:model', 'type:core'] },
            { sourceTag: 'type:pipeline', onlyDependOnLibsWithTags: ['type:plugin', 'type:model', 'type:core'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:pipeline', 'type:model', 'type:core'] },
            { sourceTag: 'type:tools', onlyDependOnLibsWithTags: ['type:app', 'type:pipeline', 'type:plugin', 'type:model', 'type:core'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:app', 'type:pipeline', 'type:plugin', 'type:model', 'type:core'] },
          ],
        },
      ],
    },
  },
  {
    // Test-runner configs share the root preset by path; they are tooling, not package code.
    files: ['**/vitest.config.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
);
