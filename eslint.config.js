// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

/**
 * Dependency direction (see README "Architecture"): shared imports nothing of the app;
 * renderer and preload never import main or Node; only main/index.ts, main/window.ts and
 * main/ipc/* import electron; the app never imports tools/; tools/ never imports test/ (tests
 * import tools/support/); tests and tools never import electron (its binary is downloaded on
 * first require, which fails on machines without it).
 */
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const electronBan = {
  name: 'electron',
  message: 'Only src/main/index.ts, src/main/window.ts and src/main/**/electron-*.ts may import electron.',
};
// electron-updater imports electron when loaded, so it is held to the same boundary.
const electronUpdaterBan = {
  name: 'electron-updater',
  message: 'electron-updater loads electron: only src/main/**/electron-*.ts may import it.',
};
const noNode = {
  group: nodeBuiltins,
  message: 'Renderer, preload and shared code must not use Node built-ins.',
};
const noMain = { group: ['**/main', '**/main/**'], message: 'Only main may import main.' };
const noRenderer = { group: ['**/renderer', '**/renderer/**'], message: 'Nothing imports the renderer.' };
const noPreload = { group: ['**/preload', '**/preload/**'], message: 'Nothing imports the preload.' };
const noTools = {
  group: ['**/tools', '**/tools/**'],
  message: 'The app never imports tools/ (not shipped).',
};
// tools/ stands on its own (benches, the fleet run, fuzzers run from a clone without tests);
// what tools and tests share lives in tools/support/, which tests import.
const noTest = {
  group: ['**/test', '**/test/**'],
  message: 'tools/ never imports test/: shared helpers live in tools/support/.',
};
const noReact = {
  group: ['react', 'react-dom', 'react/*', 'react-dom/*'],
  message: 'React belongs to the renderer.',
};

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'release/**',
      'node_modules/**',
      'test-results/**',
      'test/fixtures/**',
      '.tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan, electronUpdaterBan],
          patterns: [noNode, noMain, noRenderer, noPreload, noTools, noReact],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        { paths: [electronBan, electronUpdaterBan], patterns: [noNode, noMain, noPreload, noTools] },
      ],
    },
  },
  {
    files: ['src/preload/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [noNode, noMain, noRenderer, noTools, noReact] }],
    },
  },
  {
    files: ['src/main/**'],
    ignores: ['src/main/index.ts', 'src/main/window.ts', 'src/main/**/electron-*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [electronBan, electronUpdaterBan], patterns: [noRenderer, noPreload, noTools, noReact] },
      ],
    },
  },
  {
    files: ['src/main/index.ts', 'src/main/window.ts', 'src/main/**/electron-*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [noRenderer, noPreload, noTools, noReact] }],
    },
  },
  {
    files: ['test/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronBan, electronUpdaterBan] }],
    },
  },
  {
    files: ['tools/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronBan, electronUpdaterBan], patterns: [noTest] }],
    },
  },
);
