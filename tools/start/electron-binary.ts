import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Where the Electron binary is, found the way the electron package's own index.js finds it but
 * without require('electron') (which, when the binary is absent, tries to download it and fails
 * with a long trace). Tests use it too (test/support/electron-binary.ts).
 */
export type ElectronBinary = { path: string } | { missing: string };

export function findElectronBinary(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ElectronBinary {
  const require = createRequire(import.meta.url);
  let pkgDir: string;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron npm package is not installed' };
  }
  const pathFile = path.join(pkgDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : defaultRelativePath();
  const override = env['ELECTRON_OVERRIDE_DIST_PATH'];
  const candidate = override ? path.join(override, relative) : path.join(pkgDir, 'dist', relative);
  return existsSync(candidate) ? { path: candidate } : { missing: `looked for ${candidate}` };
}

function defaultRelativePath(): string {
  if (process.platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  if (process.platform === 'win32') return 'electron.exe';
  return 'electron';
}

/** The one sentence `npm start` prints when it cannot launch the app. */
export function missingBinarySentence(missing: string): string {
  return `The Electron binary is not installed (${missing}); run npm start on a machine where npm can download Electron, or set ELECTRON_OVERRIDE_DIST_PATH to a folder holding it.`;
}
