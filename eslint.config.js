// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

/**
 * Dependency direction (README, "Layout and dependency direction"): shared imports nothing of the
 * app; renderer and preload never import main or Node; only the Electron-only files of main import
 * electron; the app never imports tools/; tools/ never imports test/
 * (tests import tools/support/); tests and tools never import electron (its binary is
 * downloaded on first require, which fails on machines without it). Inside src/main, each folder
 * (room) imports only the rooms listed for it in MAIN_ROOMS, in the manner of VS Code's layer rules.
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

/**
 * The rooms of src/main and the rooms each may import (besides src/shared and packages), lowest
 * first. A room never imports src/main's top-level files or app/: those compose the rooms.
 * Type-only imports count too: a type that points up is still an arrow that runs back up.
 */
const MAIN_ROOMS = {
  log: [],
  net: [],
  config: [],
  settings: ['config'],
  menu: [],
  platform: [],
  policy: ['config'],
  auth: ['config', 'log', 'net', 'platform'],
  aws: ['auth', 'config', 'log', 'net'],
  doctor: ['aws', 'config', 'log', 'net', 'platform'],
  updates: ['log', 'policy'],
  http: ['auth', 'aws', 'log', 'net'],
  diagnostics: ['config', 'doctor', 'log', 'menu', 'net', 'policy'],
  ipc: ['auth', 'aws', 'config', 'diagnostics', 'http', 'log', 'policy', 'settings', 'updates'],
};
const ELECTRON_ONLY = ['src/main/index.ts', 'src/main/window.ts', 'src/main/**/electron-*.ts'];
const mainBase = [noRenderer, noPreload, noTools, noReact];
/** A relative import of `room` from a file one folder below src/main. */
const roomPattern = (room, message) => ({ regex: `^(?:\\.\\./)+(?:main/)?${room}(?:/|$)`, message });
const noTopLevel = {
  regex: '^\\.\\./(?:\\.\\./main/)?[^./][^/]*$',
  message: "A room never imports src/main's top-level files (the composition root and shell).",
};
const noApp = { regex: '^\\./app(?:/|$)', message: 'Only app-services.ts composes app/.' };
const noComposition = {
  regex: '^\\.\\.?/(?:index|app-services|window)$',
  message: 'Only index.ts imports the composition (app-services.ts) and the window.',
};
const noElectronGlue = {
  regex: '^\\.\\.?/(?:.*/)?electron-[^/]*$',
  message: 'Only the Electron-only files import an electron-*.ts module (it loads electron).',
};
const restrict = (patterns, electron) => ({
  'no-restricted-imports': [
    'error',
    electron
      ? { patterns }
      : { paths: [electronBan, electronUpdaterBan], patterns: [...patterns, noElectronGlue] },
  ],
});

/** One config per room (its Electron-only files apart), the top level, app/ and the composition root. */
function mainLayerConfigs() {
  const roomNames = Object.keys(MAIN_ROOMS);
  const configs = [
    // Anything under src/main not named below (a new folder: add it to MAIN_ROOMS).
    { files: ['src/main/**'], ignores: ELECTRON_ONLY, rules: restrict(mainBase, false) },
    // src/main's top-level shell helpers (deep-link, external-links, ...): any room, not app/.
    {
      files: ['src/main/*.ts'],
      ignores: [...ELECTRON_ONLY, 'src/main/app-services.ts'],
      rules: restrict([...mainBase, noApp, noComposition], false),
    },
    { files: ['src/main/app-services.ts'], rules: restrict([...mainBase, noComposition], false) },
    { files: ELECTRON_ONLY, rules: restrict(mainBase, true) },
    // app/: the per-feature modules app-services.ts wires; any room and top-level helper.
    {
      files: ['src/main/app/**'],
      ignores: ELECTRON_ONLY,
      rules: restrict(
        [...mainBase, { ...noComposition, regex: '^\\.\\./(?:index|app-services|window)$' }],
        false,
      ),
    },
  ];
  for (const room of roomNames) {
    const allowed = MAIN_ROOMS[room];
    const banned = [...roomNames.filter((r) => r !== room && !allowed.includes(r)), 'app'].map((r) =>
      roomPattern(
        r,
        `src/main/${room} may import only ${allowed.length ? allowed.join(', ') : 'no other room'} of src/main (eslint.config.js MAIN_ROOMS).`,
      ),
    );
    const patterns = [...mainBase, ...banned, noTopLevel];
    configs.push(
      { files: [`src/main/${room}/**`], ignores: ELECTRON_ONLY, rules: restrict(patterns, false) },
      { files: [`src/main/${room}/**/electron-*.ts`], rules: restrict(patterns, true) },
    );
  }
  return configs;
}

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
  ...mainLayerConfigs(),
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
