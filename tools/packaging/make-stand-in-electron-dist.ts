/**
 * Makes a folder electron-builder accepts as `electronDist` on a machine where the Electron
 * binary cannot be downloaded: an `electron` file, LICENSE and version. electron-builder copies
 * it, renames it to the executable name and packs app.asar around it, which is enough to check
 * what goes into the package (not to run it). The file says what it is, and the afterPack fuses
 * hook recognises its marker and skips it.
 *
 *   npx tsx tools/packaging/make-stand-in-electron-dist.ts <folder>
 *   npx electron-builder --linux dir -c.electronDist=<folder> -c.npmRebuild=false
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { STAND_IN_MARKER } from './after-pack-fuses.mjs';

const projectRoot = path.resolve(import.meta.dirname, '../..');

/** The Electron version the project builds against, from the installed package (no binary needed). */
export function installedElectronVersion(root = projectRoot): string {
  const pkg = JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')) as {
    version?: unknown;
  };
  if (typeof pkg.version !== 'string') throw new Error('node_modules/electron/package.json has no version');
  return pkg.version;
}

export function makeStandInElectronDist(folder: string, version = installedElectronVersion()): string {
  mkdirSync(folder, { recursive: true });
  const executable = path.join(folder, 'electron');
  writeFileSync(
    executable,
    [
      '#!/bin/sh',
      `# ${STAND_IN_MARKER}`,
      '# Made by tools/packaging/make-stand-in-electron-dist.ts for the packaging check.',
      `echo "This build holds a stand-in for Electron ${version}, not Electron itself: it cannot run." >&2`,
      'exit 1',
      '',
    ].join('\n'),
  );
  chmodSync(executable, 0o755);
  writeFileSync(path.join(folder, 'LICENSE'), 'Stand-in for the Electron LICENSE file (MIT).\n');
  writeFileSync(path.join(folder, 'version'), version);
  return folder;
}

const isCli = process.argv[1] !== undefined && path.resolve(process.argv[1]) === import.meta.filename;
if (isCli) {
  const folder = process.argv[2];
  if (!folder) {
    console.error('usage: make-stand-in-electron-dist.ts <folder>');
    process.exit(2);
  }
  console.log(makeStandInElectronDist(path.resolve(folder)));
}
