// Lint rules for every project. The module-boundary rule enforces DESIGN.md's dependency direction
// (tools/dependency-rules.mjs): apps → pipeline → plugin packages → model → core; plugins never import each other.
// Formatting is Prettier's (.prettierrc.json, print width 120), checked here so `nx lint` and `npm test` fail on
// unformatted code; `npm run format` fixes it.
import nx from '@nx/eslint-plugin';
import prettierRecommended from 'eslint-plugin-prettier/recommended';
import tseslint from 'typescript-eslint';
import { depConstraints } from './tools/dependency-rules.mjs';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.nx/**', '**/runs/**', '**/*.d.ts', '**/*.d.mts'] },
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
          depConstraints,
        },
      ],
    },
  },
  {
    // Test-runner configs share the root preset by path; they are tooling, not package code.
    files: ['**/vitest.config.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  // Last, so eslint-config-prettier turns off the stylistic rules Prettier owns.
  prettierRecommended,
);
