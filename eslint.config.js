// @ts-check
// ESLint flat config. The recommended sets, not the whole type-checked ones (tsc, `npm run typecheck`, already
// checks types), plus the two type-aware rules about promises that tsc cannot give: a promise nobody awaits or
// catches (no-floating-promises), and an async function passed where a callback's result is ignored
// (no-misused-promises), both of which lose a rejection. Those need type information, from the TypeScript
// project service.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default defineConfig([
  globalIgnores(['packages/web/dist/', 'packages/cli/dist/', 'data/', '**/node_modules/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // `const { kind: _kind, ...rest } = x` is how this code drops a field from a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: {
      parserOptions: {
        projectService: {
          // TypeScript files that tsconfig.json does not include: linted with its compiler options. Globs here
          // cannot use `**`, and more than 8 matching files would need a tsconfig of their own.
          allowDefaultProject: ['vitest.config.ts', 'packages/web/vite.config.ts'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['packages/web/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
  },
]);
