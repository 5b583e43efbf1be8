import { findElectronBinary as find } from '../../tools/start/electron-binary';

/**
 * Where the Electron binary is, without require('electron') (which would try to download it).
 * Returns the path, or a sentence naming what is missing so a test can skip with it. The lookup
 * itself is the one `npm start` uses.
 */
export function findElectronBinary(): { path: string } | { missing: string } {
  const found = find();
  if ('path' in found) return found;
  return { missing: `Electron binary absent (${found.missing}); it cannot be downloaded on this machine` };
}
