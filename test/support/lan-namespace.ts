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
 * nothing on such a machine. Needs `unshare` and `ip` (util-linux, iproute2) and either root or
 * unprivileged user namespaces (`unshare -r`); a machine with neither fails the test with the
 * command's own error, it never passes silently.
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

export async function runInLanNamespace<T>(probe: string, args: string[] = []): Promise<T> {
  const root = path.resolve(import.meta.dirname, '../..');
  const unshareArgs = process.getuid?.() === 0 ? ['--net'] : ['--map-root-user', '--net'];
  const { stdout } = await promisify(execFile)(
    'unshare',
    [...unshareArgs, '--', 'sh', '-c', setup, 'sh', process.execPath, '--import', 'tsx', probe, ...args],
    { cwd: root, timeout: 60_000, maxBuffer: 1024 * 1024 },
  );
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as T;
}
