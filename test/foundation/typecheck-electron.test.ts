import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function diagnosticsFor(file: string): string[] {
  const configPath = path.join(root, 'tsconfig.node.json');
  const config = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const program = ts.createProgram([file], parsed.options);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === file)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('typecheck against electron.d.ts (same options as npm run typecheck)', () => {
  it('fails on a misspelt Electron option and method', () => {
    const messages = diagnosticsFor(path.join(root, 'test/fixtures/typecheck/misspelt-electron.ts'));
    expect(messages.some((m) => m.includes('contextIsolaton'))).toBe(true);
    expect(messages.some((m) => m.includes('requestSingleInstanceLok'))).toBe(true);
  });

  it('passes the correctly spelt twin', () => {
    expect(diagnosticsFor(path.join(root, 'test/fixtures/typecheck/correct-electron.ts'))).toEqual([]);
  });
});
