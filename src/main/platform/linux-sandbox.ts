/**
 * Which Linux sandbox the app runs in, from the environment the sandbox sets, and what that
 * means for the keychain:
 * - snap: snapd sets SNAP and SNAP_NAME. The Secret Service is reached through the
 *   `password-manager-service` interface, which is NOT connected automatically: the user (or the
 *   store's auto-connection) must run `snap connect <snap>:password-manager-service`.
 * - Flatpak: the runtime sets FLATPAK_ID (and /.flatpak-info exists). libsecret reaches the
 *   Secret Service through the Secret portal (org.freedesktop.portal.Secret) or the
 *   `--talk-name=org.freedesktop.secrets` permission in the manifest (docs/installers.md).
 * Plain data in and out (the environment is passed in), so it is tested without a sandbox.
 */
export type LinuxSandbox =
  { kind: 'snap'; name: string } | { kind: 'flatpak'; id: string } | { kind: 'none' };

export function detectLinuxSandbox(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): LinuxSandbox {
  if (platform !== 'linux') return { kind: 'none' };
  const snapName = env['SNAP_NAME'] ?? env['SNAP_INSTANCE_NAME'];
  if (env['SNAP'] && snapName && /^[a-z0-9][a-z0-9_-]{0,63}$/.test(snapName))
    return { kind: 'snap', name: snapName };
  const flatpakId = env['FLATPAK_ID'];
  if (flatpakId && /^[A-Za-z0-9_.-]{1,255}$/.test(flatpakId)) return { kind: 'flatpak', id: flatpakId };
  return { kind: 'none' };
}

/** The sentence to add to a "keychain unavailable" message in this sandbox ('' outside one). */
export function sandboxKeychainHint(sandbox: LinuxSandbox): string {
  if (sandbox.kind === 'snap') {
    return `This app runs as a snap, whose keyring access is not connected automatically: run \`snap connect ${sandbox.name}:password-manager-service\` and restart the app.`;
  }
  if (sandbox.kind === 'flatpak') {
    return `This app runs as a Flatpak (${sandbox.id}): it needs a Secret Service (GNOME Keyring or KWallet) on the host, reached through the Secret portal.`;
  }
  return '';
}
