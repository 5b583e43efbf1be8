import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fromJsonText, fromPlistXml, fromRegQuery, MAX_POLICY_BYTES, PolicyError } from './policy-forms';

/**
 * Where each OS keeps the organisation's policy, and the thin readers that fetch it with the
 * admin's usual tool:
 *
 *   linux   machine: /etc/cognito-desktop/policy.json (root-owned; Linux has no per-user policy)
 *   darwin  machine: /Library/Managed Preferences/<appId>.plist
 *           user:    /Library/Managed Preferences/<user>/<appId>.plist
 *           (both written by MDM configuration profiles; binary plists go through `plutil`)
 *   win32   machine: HKLM\SOFTWARE\Policies\<Organisation>\Cognito Desktop
 *           user:    HKCU\SOFTWARE\Policies\<Organisation>\Cognito Desktop
 *           (Group Policy / Intune; read with `reg query /s`)
 *
 * API:
 *   policyLocations(options)          the places to look on a platform (pure)
 *   readPolicySources(options, io?)   -> RawPolicy[] (absent sources are left out); throws
 *                                        PolicyError for a source that exists but cannot be read
 *
 * Every location is only writable by an administrator, which is what makes it a policy: the
 * user's own files (`profiles.json`) rank below it.
 */

export type PolicyScope = 'machine' | 'user';

export interface PolicyLocation {
  scope: PolicyScope;
  form: 'json' | 'plist' | 'registry';
  /** A file path, or a registry key. */
  where: string;
}

export interface RawPolicy {
  scope: PolicyScope;
  /** Human-readable source, shown on the error screen and in diagnostics. */
  source: string;
  document: Record<string, unknown>;
}

export interface PolicyLocationOptions {
  platform: NodeJS.Platform;
  /** electron-builder appId, e.g. com.example.cognitodesktop */
  appId: string;
  /** The organisation's name in the Windows policy key. */
  organisation: string;
  productName: string;
  /** The OS user name, for macOS per-user managed preferences. */
  username?: string;
  /** Overrides the Linux machine file (tests, and distributions with another /etc layout). */
  linuxPolicyFile?: string;
}

/** electron-builder.yml's appId (a test keeps the two equal): the macOS managed-preferences domain. */
export const APP_ID = 'com.example.cognitodesktop';
/** The organisation in the Windows policy key; an organisation rebranding the app changes both. */
export const POLICY_ORGANISATION = 'Example Org';

export const LINUX_POLICY_FILE = '/etc/cognito-desktop/policy.json';
export const MAC_MANAGED_PREFERENCES = '/Library/Managed Preferences';

export function policyLocations(options: PolicyLocationOptions): PolicyLocation[] {
  switch (options.platform) {
    case 'linux':
      return [{ scope: 'machine', form: 'json', where: options.linuxPolicyFile ?? LINUX_POLICY_FILE }];
    case 'darwin': {
      const file = `${options.appId}.plist`;
      const locations: PolicyLocation[] = [
        { scope: 'machine', form: 'plist', where: path.posix.join(MAC_MANAGED_PREFERENCES, file) },
      ];
      if (options.username && /^[A-Za-z0-9._-]+$/.test(options.username)) {
        locations.push({
          scope: 'user',
          form: 'plist',
          where: path.posix.join(MAC_MANAGED_PREFERENCES, options.username, file),
        });
      }
      return locations;
    }
    case 'win32': {
      const key = `SOFTWARE\\Policies\\${options.organisation}\\${options.productName}`;
      return [
        { scope: 'machine', form: 'registry', where: `HKLM\\${key}` },
        { scope: 'user', form: 'registry', where: `HKCU\\${key}` },
      ];
    }
    default:
      return [];
  }
}

/** The OS calls, injectable so the readers can be exercised without the OS. */
export interface PolicyIo {
  readFile(file: string): Buffer | undefined;
  run(command: string, args: string[]): Promise<{ code: number; stdout: string }>;
}

export const nodePolicyIo: PolicyIo = {
  readFile(file) {
    try {
      return readFileSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  },
  run(command, args) {
    return new Promise((resolve) => {
      execFile(
        command,
        args,
        { encoding: 'utf8', timeout: 10_000, maxBuffer: MAX_POLICY_BYTES * 2, windowsHide: true },
        (error, stdout) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout: String(stdout) });
        },
      );
    });
  },
};

export async function readPolicySources(
  options: PolicyLocationOptions,
  io: PolicyIo = nodePolicyIo,
): Promise<RawPolicy[]> {
  const found: RawPolicy[] = [];
  for (const location of policyLocations(options)) {
    const document = await readLocation(location, io);
    if (document !== undefined) found.push({ scope: location.scope, source: location.where, document });
  }
  return found;
}

async function readLocation(
  location: PolicyLocation,
  io: PolicyIo,
): Promise<Record<string, unknown> | undefined> {
  const source = location.where;
  if (location.form === 'registry') {
    const { code, stdout } = await io.run('reg', ['query', location.where, '/s']);
    // reg.exe exits 1 when the key does not exist: no policy, which is the usual case.
    if (code !== 0) return undefined;
    return fromRegQuery(stdout, location.where, source);
  }
  let buffer: Buffer | undefined;
  try {
    buffer = io.readFile(location.where);
  } catch (error) {
    throw new PolicyError(source, '', `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (buffer === undefined) return undefined;
  if (buffer.length > MAX_POLICY_BYTES)
    throw new PolicyError(source, '', `larger than ${MAX_POLICY_BYTES} bytes`);
  if (location.form === 'json') return fromJsonText(buffer.toString('utf8'), source);
  if (buffer.subarray(0, 6).toString('latin1') === 'bplist') {
    // MDM writes binary plists; plutil (part of macOS) turns one into XML without a library.
    const { code, stdout } = await io.run('/usr/bin/plutil', ['-convert', 'xml1', '-o', '-', location.where]);
    if (code !== 0) throw new PolicyError(source, '', 'plutil could not read this binary property list');
    return fromPlistXml(stdout, source);
  }
  return fromPlistXml(buffer.toString('utf8'), source);
}
