import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Where the Electron binary is, without require('electron') (which would try to download it).
 * Returns the path, or a sentence naming what is missing so a test can skip with it.
 */
export function findElectronBinary(): { path: string } | { missing: string } {
  const override = process.env['ELECTRON_OVERRIDE_DIST_PATH'];
  const require = createRequire(import.meta.url);
  let pkgDir: string;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron npm package is not installed' };
  }
  const pathFile = path.join(pkgDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
  const candidate = override ? path.join(override, relative) : path.join(pkgDir, 'dist', relative);
  if (existsSync(candidate)) return { path: candidate };
  return {
    missing: `Electron binary absent (looked for ${candidate}); it cannot be downloaded on this machine`,
  };
}
