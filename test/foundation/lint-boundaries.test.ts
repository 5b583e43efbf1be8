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
