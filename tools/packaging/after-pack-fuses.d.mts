import type { FuseV1Config } from '@electron/fuses';

/** Types of after-pack-fuses.mjs (plain JavaScript so electron-builder can load it as a hook). */
export declare const STAND_IN_MARKER: string;
export declare function fuseConfigFor(electronPlatformName: string, arch: number): FuseV1Config;
export declare function executablePathFor(context: {
  appOutDir: string;
  electronPlatformName: string;
  packager: { appInfo: { productFilename: string }; executableName?: string };
}): string;
export declare function isStandInBinary(file: string): Promise<boolean>;
export declare function applyFuses(
  executablePath: string,
  electronPlatformName: string,
  arch: number,
  log?: (line: string) => void,
): Promise<'flipped' | 'skipped-stand-in'>;
declare function afterPack(context: {
  appOutDir: string;
  electronPlatformName: string;
  arch: number;
  packager: { appInfo: { productFilename: string }; executableName?: string };
}): Promise<void>;
export default afterPack;
