// @ts-check
/**
 * electron-builder `afterPack` hook: flips the Electron fuses of the packed binary before it is
 * signed (electron-builder signs after this hook, so the signature covers the flipped fuses).
 *
 * Plain JavaScript because electron-builder loads hooks with require/import and has no
 * TypeScript loader; types for tests are in after-pack-fuses.d.mts.
 *
 * The only binary it leaves alone is the stand-in made by make-stand-in-electron-dist.ts (small
 * and carrying STAND_IN_MARKER), which the packaging check uses on machines without Electron.
 * Anything else without a fuse wire fails the build: a real build never ships unfused.
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import fuses from '@electron/fuses';

const { FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire } = fuses;

export const STAND_IN_MARKER = 'COGNITO-DESKTOP-STAND-IN-ELECTRON: not a real Electron binary';
/** Real Electron binaries are well over 50 MB; a stand-in is a few hundred bytes. */
const STAND_IN_MAX_BYTES = 64 * 1024;

/** Arch enum of builder-util (ia32 0, x64 1, armv7l 2, arm64 3, universal 4). */
const ARCH_ARM64 = 3;
/** ASCII '0' and '1': how @electron/fuses stores a disabled and an enabled fuse. */
const FUSE_DISABLED = 0x30;
const FUSE_ENABLED = 0x31;

/**
 * The fuse settings for one platform. Electron checks embedded asar integrity on macOS and
 * Windows only (electron-builder embeds the hashes there: Info.plist / a Windows resource); on
 * Linux the fuse is left as shipped. The renderer is served from app://cognito-desktop
 * (src/main/renderer-protocol.ts), never file://, so file:// loses its extra privileges.
 * @param {string} electronPlatformName darwin | mas | win32 | linux
 * @param {number} arch builder-util Arch
 */
export function fuseConfigFor(electronPlatformName, arch) {
  const integritySupported = ['darwin', 'mas', 'win32'].includes(electronPlatformName);
  /** @type {import('@electron/fuses').FuseV1Config} */
  const config = {
    version: FuseVersion.V1,
    // Flipping fuses invalidates the ad-hoc signature an arm64 macOS binary must carry to run.
    resetAdHocDarwinSignature: electronPlatformName === 'darwin' && arch === ARCH_ARM64,
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  };
  if (integritySupported) config[FuseV1Options.EnableEmbeddedAsarIntegrityValidation] = true;
  return config;
}

/**
 * Where electron-builder put the Electron executable (the same rule it uses for its own
 * `electronFuses` option).
 * @param {{ appOutDir: string, electronPlatformName: string, packager: { appInfo: { productFilename: string }, executableName?: string } }} context
 */
export function executablePathFor(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') {
    return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
  }
  if (electronPlatformName === 'win32')
    return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
  return path.join(appOutDir, packager.executableName ?? packager.appInfo.productFilename);
}

/** The file that holds the fuse wire (on macOS inside the framework, as @electron/fuses does). */
function fuseFileOf(executablePath) {
  if (executablePath.endsWith('.app')) {
    return path.join(executablePath, 'Contents/Frameworks/Electron Framework.framework/Electron Framework');
  }
  return executablePath;
}

/** @param {string} file */
export async function isStandInBinary(file) {
  const info = await stat(file);
  if (info.size > STAND_IN_MAX_BYTES) return false;
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(info.size);
    await handle.read(buffer, 0, info.size, 0);
    return buffer.includes(STAND_IN_MARKER);
  } finally {
    await handle.close();
  }
}

/**
 * Flips the fuses of one binary and reads them back; throws if any fuse did not take.
 * @param {string} executablePath
 * @param {string} electronPlatformName
 * @param {number} arch
 * @param {(line: string) => void} [log]
 * @returns {Promise<'flipped' | 'skipped-stand-in'>}
 */
export async function applyFuses(executablePath, electronPlatformName, arch, log = console.log) {
  if (await isStandInBinary(fuseFileOf(executablePath))) {
    log(
      `  • afterPack fuses: skipped, ${executablePath} is the packaging-check stand-in, not a real Electron binary`,
    );
    return 'skipped-stand-in';
  }
  const config = fuseConfigFor(electronPlatformName, arch);
  await flipFuses(executablePath, config);
  const wire = await getCurrentFuseWire(executablePath);
  for (const [key, wanted] of Object.entries(config)) {
    const index = Number(key);
    if (!Number.isInteger(index)) continue; // version, resetAdHocDarwinSignature
    const actual = /** @type {Record<number, number | undefined>} */ (/** @type {unknown} */ (wire))[index];
    const expected = wanted ? FUSE_ENABLED : FUSE_DISABLED;
    if (actual !== expected) {
      throw new Error(
        `afterPack fuses: ${FuseV1Options[index]} is ${actual} after flipping, wanted ${expected}`,
      );
    }
  }
  const summary = Object.entries(config)
    .filter(([key]) => Number.isInteger(Number(key)))
    .map(([key, value]) => `${FuseV1Options[Number(key)]}=${value ? 'on' : 'off'}`)
    .join(' ');
  log(`  • afterPack fuses: ${executablePath}: ${summary}`);
  return 'flipped';
}

/** @param {import('app-builder-lib').AfterPackContext} context */
export default async function afterPack(context) {
  await applyFuses(
    executablePathFor(/** @type {any} */ (context)),
    context.electronPlatformName,
    context.arch,
  );
}
