import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * Runs a TypeScript probe inside a network namespace of its own, where a second, non-loopback
 * interface certainly exists: a veth pair holding 198.51.100.7/24 and 2001:db8::7/64
 * (documentation ranges, never routed anywhere). The namespace has no route out, so nothing the
 * probe does can reach the machine's real network, and it vanishes with the process.
 *
 * Why a namespace and not the host's own LAN address: a CI container may have only `lo`, and a
 * test that checks "unreachable from the LAN" only when a LAN address happens to exist proves
 * nothing on such a machine. Needs `unshare` and `ip` (util-linux, iproute2) and one of: root,
 * unprivileged user namespaces (`unshare -r`), or passwordless sudo; a machine with none fails
 * the test with each command's own error, it never passes silently.
 *
 * The probe prints one JSON line on stdout; that line is the result.
 */
export const LAN_IPV4 = '198.51.100.7';
export const LAN_IPV6 = '2001:db8::7';

const setup = [
  'set -e',
  'ip link set lo up',
  'ip link add tbva type veth peer name tbvb',
  `ip addr add ${LAN_IPV4}/24 dev tbva`,
  `ip -6 addr add ${LAN_IPV6}/64 dev tbva nodad`,
  'ip link set tbva up',
  'ip link set tbvb up',
  'exec "$@"',
].join('\n');

/**
 * Ways to get a network namespace, tried in order: root's own `unshare --net`; unprivileged
 * user namespaces (`unshare --map-root-user --net`); `sudo -n` (passwordless sudo, as on CI
 * runners whose kernel restricts unprivileged user namespaces, e.g. Ubuntu 24.04's AppArmor).
 */
function launchers(): string[][] {
  if (process.getuid?.() === 0) return [['unshare', '--net']];
  return [
    ['unshare', '--map-root-user', '--net'],
    ['sudo', '-n', 'unshare', '--net'],
  ];
}

export async function runInLanNamespace<T>(probe: string, args: string[] = []): Promise<T> {
  const root = path.resolve(import.meta.dirname, '../..');
  const failures: string[] = [];
  for (const [command, ...launcherArgs] of launchers()) {
    try {
      const { stdout } = await promisify(execFile)(
        command!,
        [...launcherArgs, '--', 'sh', '-c', setup, 'sh', process.execPath, '--import', 'tsx', probe, ...args],
        { cwd: root, timeout: 60_000, maxBuffer: 1024 * 1024 },
      );
      const last = stdout.trim().split('\n').at(-1) ?? '';
      return JSON.parse(last) as T;
    } catch (err) {
      const e = err as { stderr?: string; message?: string };
      failures.push(`${command} ${launcherArgs.join(' ')}: ${(e.stderr || e.message || String(err)).trim()}`);
    }
  }
  throw new Error(`Could not run the probe in a network namespace of its own:\n${failures.join('\n')}`);
}
