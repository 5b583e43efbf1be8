import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
let eslint: ESLint;

async function restrictedImports(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('lint enforces the dependency direction', () => {
  beforeAll(() => {
    eslint = new ESLint({ cwd: root });
  });

  const planted: Array<[string, string, string]> = [
    [
      'renderer importing main',
      'src/renderer/src/Planted.tsx',
      "import { x } from '../../main/session';\nexport const y = x;\n",
    ],
    [
      'renderer importing a Node built-in',
      'src/renderer/src/Planted.tsx',
      "import fs from 'node:fs';\nexport const y = fs;\n",
    ],
    [
      'renderer importing electron',
      'src/renderer/src/Planted.tsx',
      "import { ipcRenderer } from 'electron';\nexport const y = ipcRenderer;\n",
    ],
    [
      'preload importing main',
      'src/preload/planted.ts',
      "import { x } from '../main/session';\nexport const y = x;\n",
    ],
    ['preload importing Node', 'src/preload/planted.ts', "import fs from 'fs';\nexport const y = fs;\n"],
    [
      'a main module (loaded by tests) importing electron',
      'src/main/auth/planted.ts',
      "import { shell } from 'electron';\nexport const y = shell;\n",
    ],
    [
      'main importing tools',
      'src/main/planted.ts',
      "import { x } from '../../tools/user-pool/pool';\nexport const y = x;\n",
    ],
    [
      'shared importing Node',
      'src/shared/planted.ts',
      "import path from 'node:path';\nexport const y = path;\n",
    ],
    [
      'tools importing a test helper',
      'tools/bench/planted.bench.ts',
      "import { x } from '../../test/support/keyring-guard';\nexport const y = x;\n",
    ],
    [
      'tools support importing test code',
      'tools/support/planted.ts',
      "import { x } from '../../test/auth/support/harness';\nexport const y = x;\n",
    ],
    [
      'a test importing electron',
      'test/planted.test.ts',
      "import { app } from 'electron';\nexport const y = app;\n",
    ],
  ];

  for (const [name, file, code] of planted) {
    it(`fails on ${name}`, async () => {
      expect((await restrictedImports(file, code)).length).toBeGreaterThan(0);
    });
  }

  it('allows electron in the composition root and shared imports in the renderer', async () => {
    expect(
      await restrictedImports(
        'src/main/index.ts',
        "import { app } from 'electron';\nexport const y = app;\n",
      ),
    ).toEqual([]);
    expect(
      await restrictedImports(
        'src/renderer/src/Planted.tsx',
        "import { redact } from '../../shared/redact';\nexport const y = redact;\n",
      ),
    ).toEqual([]);
  });

  /** The rooms of src/main: one folder below it each. */
  const rooms = readdirSync(path.join(root, 'src/main'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);

  const wrongArrows: Array<[string, string, string]> = [
    // The arrow issue 25 names: config imported policy while policy imports config.
    [
      'config importing policy',
      'src/main/config/planted.ts',
      "import { NO_POLICY } from '../policy/effective-policy';",
    ],
    [
      'config importing a policy type',
      'src/main/config/planted.ts',
      "import type { PolicyOutcome } from '../policy/effective-policy';",
    ],
    ['net importing auth', 'src/main/net/planted.ts', "import { createSession } from '../auth/session';"],
    ['auth importing ipc', 'src/main/auth/planted.ts', "import { createHandlers } from '../ipc/handlers';"],
    [
      'auth importing http through main/',
      'src/main/auth/planted.ts',
      "import { createApiClient } from '../../main/http/api-client';",
    ],
    [
      'policy importing updates',
      'src/main/policy/planted.ts',
      "import { OFF_PORT } from '../updates/update-controller';",
    ],
    [
      'ipc importing the top level',
      'src/main/ipc/planted.ts',
      "import { createAppServices } from '../app-services';",
    ],
    [
      'a room importing app/',
      'src/main/http/planted.ts',
      "import { createBoundApiClient } from '../app/bound-api';",
    ],
    [
      'a top-level helper importing app/',
      'src/main/planted.ts',
      "import { createAppProfiles } from './app/profiles';",
    ],
    [
      'app/ importing the composition',
      'src/main/app/planted.ts',
      "import { createAppServices } from '../app-services';",
    ],
    [
      'a plain main module importing Electron glue',
      'src/main/app-services.ts',
      "import { followSettings } from './electron-menu';",
    ],
  ];

  for (const [name, file, code] of wrongArrows) {
    it(`fails on ${name}`, async () => {
      const messages = await restrictedImports(file, `${code}\nexport const planted = 1;\n`);
      expect(messages.length).toBeGreaterThan(0);
    });
  }

  it('allows the arrows that point down', async () => {
    const allowed: Array<[string, string]> = [
      ['src/main/policy/planted.ts', "import { ProxySettingSchema } from '../config/profile';"],
      ['src/main/ipc/planted.ts', "import { createApiClient } from '../http/api-client';"],
      ['src/main/http/planted.ts', "import type { AccessTokenSource } from '../auth/access-token-source';"],
      ['src/main/auth/planted.ts', "import { AppError } from '../../shared/errors';"],
      ['src/main/app/planted.ts', "import { createExternalOpener } from '../external-links';"],
      ['src/main/app-services.ts', "import { createAppProfiles } from './app/profiles';"],
      ['src/main/index.ts', "import { followSettings } from './electron-menu';"],
      ['src/main/updates/electron-planted.ts', "import { NO_POLICY } from '../policy/effective-policy';"],
    ];
    for (const [file, code] of allowed) {
      expect(await restrictedImports(file, `${code}\nexport const planted = 1;\n`), file).toEqual([]);
    }
  });

  it('holds every folder of src/main to a room rule (none is left without one)', async () => {
    expect(rooms.length).toBeGreaterThan(5);
    for (const room of rooms) {
      const messages = await restrictedImports(
        `src/main/${room}/planted.ts`,
        "import { createAppServices } from '../app-services';\nexport const planted = 1;\n",
      );
      expect(messages, `src/main/${room}`).not.toEqual([]);
    }
  });

  it('lets tests import tools/support and tools import their own support module', async () => {
    expect(
      await restrictedImports(
        'test/planted.test.ts',
        "import { freePort } from '../tools/support/ports';\nexport const y = freePort;\n",
      ),
    ).toEqual([]);
    expect(
      await restrictedImports(
        'tools/bench/planted.bench.ts',
        "import { freePort } from '../support/ports';\nexport const y = freePort;\n",
      ),
    ).toEqual([]);
  });
});
