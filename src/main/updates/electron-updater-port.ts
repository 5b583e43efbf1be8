import type { UpdaterPort } from './update-controller';

/**
 * Electron-only glue: the `UpdaterPort` over electron-updater's `autoUpdater` with a generic feed
 * (the organisation's own server holding `latest.yml` and the installers). All decisions are in
 * `update-controller.ts`; this file only translates calls.
 *
 * Settings, and why: no automatic download (the controller downloads after a check, so it always
 * knows what state to show); `autoInstallOnAppQuit` on, so a downloaded update is applied when the
 * user quits anyway, which is not a restart the app makes by itself; no downgrades.
 */
export async function createElectronUpdaterPort(): Promise<UpdaterPort> {
  // Loaded only when updates are on: most installs have no feed, and the module costs start-up
  // time. It is CommonJS; its named export lives on the default import under ESM.
  const { autoUpdater } = (await import('electron-updater')).default;
  autoUpdater.autoDownload = false;
  autoUpdater.autoInstallOnAppQuit = true;
  autoUpdater.allowDowngrade = false;
  return {
    setFeedUrl(url) {
      autoUpdater.setFeedURL({ provider: 'generic', url });
    },
    async checkForUpdate() {
      const result = await autoUpdater.checkForUpdates();
      return result?.isUpdateAvailable ? result.updateInfo.version : null;
    },
    async download() {
      await autoUpdater.downloadUpdate();
    },
    quitAndInstall() {
      autoUpdater.quitAndInstall(false, true);
    },
  };
}
