import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The Electron glue of the network layer stays in src/main/net/electron-*.ts: lint lets those
 * files import electron and refuses it in every other net module (which tests load).
 */
const root = path.resolve(import.meta.dirname, '../..');
let eslint: ESLint;

async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('network layer lint boundary', () => {
  beforeAll(() => {
    eslint = new ESLint({ cwd: root });
  });

  it('src/main/net/electron-*.ts may import electron', async () => {
    expect(
      await restricted(
        'src/main/net/electron-planted.ts',
        "import { net } from 'electron';\nexport const n = net;\n",
      ),
    ).toEqual([]);
  }, 60_000);

  it('any other src/main/net module may not', async () => {
    const messages = await restricted(
      'src/main/net/planted.ts',
      "import { net } from 'electron';\nexport const n = net;\n",
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('src/main/**/electron-*.ts');
  }, 60_000);
});
