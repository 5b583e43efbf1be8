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
 *   createNodePolicyIo({ timeoutMs?, maxOutputBytes? }), nodePolicyIo   the real OS calls
 *
 * Fails closed: a policy source is absent only when it is proved absent (no file: ENOENT; no
 * registry key: the parent key's listing lacks it). A tool that cannot be started, runs past
 * its time bound, prints too much or exits with an error is a PolicyError naming the source, so
 * a slow reg.exe at logon or "Access is denied" never silently drops the machine policy. Tools
 * are started by absolute path (`%SystemRoot%\System32\reg.exe`, `/usr/bin/plutil`), never
 * through PATH.
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
  /** Where reg.exe is looked for (`<root>\System32\reg.exe`); default `%SystemRoot%`. Tests only. */
  windowsSystemRoot?: string;
  /** plutil's absolute path; default /usr/bin/plutil. Tests only. */
  plutilPath?: string;
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

/**
 * How a command run ended. `failure` is set when it did not end by itself with its whole output:
 * it could not be started, ran past the time bound, or printed more than the output cap.
 */
export interface RunResult {
  code: number;
  stdout: string;
  stderr?: string;
  failure?: 'spawn' | 'timeout' | 'output-too-large';
}

/** The OS calls, injectable so the readers can be exercised without the OS. */
export interface PolicyIo {
  readFile(file: string): Buffer | undefined;
  run(command: string, args: string[]): Promise<RunResult>;
}

export const POLICY_COMMAND_TIMEOUT_MS = 10_000;

/** The real OS: files read directly, commands started by absolute path (never through PATH). */
export function createNodePolicyIo(options: { timeoutMs?: number; maxOutputBytes?: number } = {}): PolicyIo {
  const timeout = options.timeoutMs ?? POLICY_COMMAND_TIMEOUT_MS;
  const maxBuffer = options.maxOutputBytes ?? MAX_POLICY_BYTES * 2;
  return {
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
          { encoding: 'utf8', timeout, maxBuffer, windowsHide: true, shell: false },
          (error, stdout, stderr) => {
            const out = { stdout: String(stdout), stderr: String(stderr) };
            if (!error) return resolve({ code: 0, ...out });
            const e = error as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null };
            if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER')
              return resolve({ code: -1, ...out, failure: 'output-too-large' });
            if (e.killed || e.signal) return resolve({ code: -1, ...out, failure: 'timeout' });
            if (typeof e.code === 'number') return resolve({ code: e.code, ...out });
            resolve({ code: -1, ...out, failure: 'spawn' });
          },
        );
      });
    },
  };
}

export const nodePolicyIo: PolicyIo = createNodePolicyIo();

/**
 * reg.exe by absolute path under the Windows folder: a bare `reg` is found through PATH, where a
 * user's own `reg` may come first and answer "no policy". `%SystemRoot%` is the system's variable;
 * tests point it at a folder holding a stand-in.
 */
export function regExePath(systemRoot: string | undefined = process.env['SystemRoot']): string {
  const root = systemRoot ?? 'C:\\Windows';
  return /^[A-Za-z]:[\\/]/.test(root)
    ? path.win32.join(root, 'System32', 'reg.exe')
    : path.join(root, 'System32', 'reg.exe');
}

export const PLUTIL_PATH = '/usr/bin/plutil';

export async function readPolicySources(
  options: PolicyLocationOptions,
  io: PolicyIo = nodePolicyIo,
): Promise<RawPolicy[]> {
  const found: RawPolicy[] = [];
  for (const location of policyLocations(options)) {
    const document = await readLocation(location, options, io);
    if (document !== undefined) found.push({ scope: location.scope, source: location.where, document });
  }
  return found;
}

function failureText(result: RunResult, tool: string): string {
  switch (result.failure) {
    case 'spawn':
      return `${tool} could not be started`;
    case 'timeout':
      return `${tool} did not finish in time`;
    case 'output-too-large':
      return `${tool} printed more than a policy can hold`;
    default: {
      // reg.exe's own one-line reason ("ERROR: Access is denied."): an OS message, no policy value.
      const reason = (result.stderr ?? '')
        .split(/\r?\n/)
        .find((l) => l.trim() !== '')
        ?.trim()
        .slice(0, 200);
      return `${tool} could not read it (exit ${result.code}${reason ? `: ${reason}` : ''})`;
    }
  }
}

/** Subkey names listed by `reg query <key>` (no /s): the lines one level below the key. */
function subkeysOf(output: string, key: string): string[] {
  const prefix = `${expandHiveName(key).toLowerCase()}\\`;
  return output
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+$/, ''))
    .filter((line) => !line.startsWith(' ') && line.toLowerCase().startsWith(prefix))
    .map((line) => line.slice(prefix.length))
    .filter((rest) => rest !== '' && !rest.includes('\\'))
    .map((name) => name.toLowerCase());
}

function expandHiveName(key: string): string {
  return key
    .replace(/^HKLM\\/i, 'HKEY_LOCAL_MACHINE\\')
    .replace(/^HKCU\\/i, 'HKEY_CURRENT_USER\\')
    .replace(/\\+$/, '');
}

/**
 * Whether a registry key is absent, proved without reading reg.exe's (localised) messages: each
 * parent from `<hive>\SOFTWARE` down is listed, and the key is absent only when a listing that
 * succeeded does not name the next part. Any listing that fails is a PolicyError.
 */
async function registryKeyAbsent(key: string, reg: string, source: string, io: PolicyIo): Promise<boolean> {
  const [hive, ...parts] = key.split('\\');
  let parent = `${hive}\\${parts[0]}`; // <hive>\SOFTWARE always exists
  for (const part of parts.slice(1)) {
    const listing = await io.run(reg, ['query', parent]);
    if (listing.failure || listing.code !== 0) {
      throw new PolicyError(source, '', `${failureText(listing, 'reg.exe')} while looking for ${parent}`);
    }
    if (!subkeysOf(listing.stdout, parent).includes(part.toLowerCase())) return true;
    parent = `${parent}\\${part}`;
  }
  return false;
}

async function readLocation(
  location: PolicyLocation,
  options: PolicyLocationOptions,
  io: PolicyIo,
): Promise<Record<string, unknown> | undefined> {
  const source = location.where;
  if (location.form === 'registry') {
    const reg = regExePath(options.windowsSystemRoot);
    const result = await io.run(reg, ['query', location.where, '/s']);
    if (!result.failure && result.code === 0) return fromRegQuery(result.stdout, location.where, source);
    // Only a key that is not there means "no policy" (the usual case). reg.exe exits 1 both for
    // that and for "Access is denied", and its messages are localised: so absence is proved from
    // the parent keys' listings, and everything else fails closed.
    if (!result.failure && (await registryKeyAbsent(location.where, reg, source, io))) return undefined;
    throw new PolicyError(source, '', failureText(result, 'reg.exe'));
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
    // MDM writes binary plists; plutil (part of macOS, by absolute path) turns one into XML.
    const result = await io.run(options.plutilPath ?? PLUTIL_PATH, [
      '-convert',
      'xml1',
      '-o',
      '-',
      location.where,
    ]);
    if (result.failure || result.code !== 0) throw new PolicyError(source, '', failureText(result, 'plutil'));
    return fromPlistXml(result.stdout, source);
  }
  return fromPlistXml(buffer.toString('utf8'), source);
}
