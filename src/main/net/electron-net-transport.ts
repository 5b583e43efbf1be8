import { session as electronSession, type Session } from 'electron';
import { classifyChromiumFailure } from './network-errors';
import { chromiumProxyConfig, proxyLabel } from './proxy-rules';
import { capResponse } from './response-cap';
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TRANSPORT_TIMEOUT_MS,
  NETWORK_PARTITION,
  type NetTransport,
  type ProxySetting,
  type TransportRequestInit,
  headerRecord,
  withUserAgent,
} from './transport';

/**
 * The app's transport: Electron's `ses.fetch` (net.fetch on a session of our own), so every
 * main-process request uses Chromium's network stack: the OS proxy settings, PAC/WPAD, the OS
 * trust store with enterprise roots, and integrated proxy authentication where the OS offers it.
 *
 * Thin glue; the rules live in electron-free modules (network-errors, proxy-rules, response-cap).
 * Checked against electron.d.ts:
 *  - `Session.fetch(input, init?: RequestInit & { bypassCustomProtocolHandlers? })`: standard
 *    RequestInit, so `redirect: 'manual'` and `signal` are honoured. Chromium does not hand a
 *    redirect response back in manual mode ("Redirect was cancelled", electron/electron#43715):
 *    that becomes REDIRECT_BLOCKED, so a redirect is never followed.
 *  - No timeout or size option exists: the deadline is an AbortSignal, the size cap is applied
 *    while reading (capResponse).
 *  - `Session.setProxy(ProxyConfig)`: mode 'system' (the default) or 'fixed_servers' with
 *    `proxyRules` / `proxyBypassRules`. Chromium keeps loopback direct by itself.
 *  - Certificate errors: this session gets no certificate-verify callback and no handler for
 *    certificate errors, so Chromium's verdict stands (test/network/no-certificate-override).
 *  - The partition has no `persist:` prefix: an in-memory session, no cookies shared with the
 *    renderer's session or kept on disk.
 */

export function createElectronTransport(
  options: { timeoutMs?: number; maxResponseBytes?: number; session?: Session; userAgent?: string } = {},
): NetTransport {
  const ses = options.session ?? electronSession.fromPartition(NETWORK_PARTITION);
  // The app's User-Agent (net/user-agent.ts): the session's default, and on each request in place
  // of a library's own (openid-client sets one, which would win over the session default).
  if (options.userAgent !== undefined) ses.setUserAgent(options.userAgent);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TRANSPORT_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  let pinned: Exclude<ProxySetting, 'system'> | undefined;
  let applied: Promise<void> = Promise.resolve();

  return {
    kind: 'electron-net',
    async fetch(input, init: TransportRequestInit = {}) {
      await applied;
      const url = new URL(input);
      const deadline = AbortSignal.timeout(timeoutMs);
      const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
      let response: Response;
      try {
        const headers = withUserAgent(headerRecord(init.headers), options.userAgent);
        response = await ses.fetch(url.href, {
          method: init.method ?? 'GET',
          ...(headers === undefined ? {} : { headers }),
          ...(init.body === undefined || init.body === null ? {} : { body: init.body }),
          redirect: 'manual',
          signal,
        });
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        throw classifyChromiumFailure(error, {
          host: url.host,
          ...(pinned ? { proxy: proxyLabel(pinned.url) } : {}),
        });
      }
      return capResponse(response, maxBytes, url.host);
    },
    setProxy(setting) {
      pinned = setting === 'system' ? undefined : setting;
      applied = ses.setProxy(chromiumProxyConfig(setting)).catch(() => undefined);
      return applied;
    },
    describe() {
      return {
        proxy: pinned
          ? `${proxyLabel(pinned.url)} (pinned by the profile)`
          : 'system settings (OS proxy, PAC/WPAD)',
        trust: 'the OS trust store (Chromium)',
      };
    },
    async close() {
      // The session lives as long as the app; nothing to release.
    },
  };
}
