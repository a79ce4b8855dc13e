// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import astro from 'eslint-plugin-astro';
import tseslint from 'typescript-eslint';

const PURE_ENGINE_MESSAGE =
  'The policy engine must stay pure and DOM-free: it runs both in the browser and from Node, so it may not import UI, framework or worker code.';

export default defineConfig(
  {
    ignores: [
      'dist/',
      'dist-cli/',
      'node_modules/',
      '.astro/',
      'test-results/',
      'playwright-report/',
      'blob-report/',
      'coverage/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  astro.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/engine/**', 'src/sim/**', 'src/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'astro',
                'astro:*',
                'monaco-editor*',
                'monaco-yaml*',
                '@xterm/*',
                'xterm*',
                'comlink',
                'elkjs*',
                'react*',
                'preact*',
                '**/components/**',
                '**/pages/**',
                '**/worker/**',
              ],
              message: PURE_ENGINE_MESSAGE,
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'window', message: PURE_ENGINE_MESSAGE },
        { name: 'document', message: PURE_ENGINE_MESSAGE },
        { name: 'localStorage', message: PURE_ENGINE_MESSAGE },
        { name: 'navigator', message: PURE_ENGINE_MESSAGE },
      ],
    },
  },
);
