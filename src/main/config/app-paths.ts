import os from 'node:os';
import path from 'node:path';

/**
 * Where Electron puts the app's data folder (app.getPath('userData')) for this app, computed
 * without Electron so the doctor and `npm start` (plain Node) look at the same user profile file as
 * the app. Electron names the folder after package.json's productName.
 */
export const APP_PRODUCT_NAME = 'Cognito Desktop';

export function defaultUserDataDir(
  platform: NodeJS.Platform = process.platform,
  env: Readonly<Record<string, string | undefined>> = process.env,
  home: string = os.homedir(),
): string {
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_PRODUCT_NAME);
  if (platform === 'win32') {
    return path.join(env['APPDATA'] ?? path.join(home, 'AppData', 'Roaming'), APP_PRODUCT_NAME);
  }
  return path.join(env['XDG_CONFIG_HOME'] || path.join(home, '.config'), APP_PRODUCT_NAME);
}
