import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../../shared/errors';
import { silentLogger } from '../log/logger';
import type { Logger } from '../log/logger';
import { renderCallbackPage } from './callback-page';

/**
 * The RFC 8252 loopback redirect listener for one sign-in attempt.
 *
 * Cognito matches redirect URIs exactly (port included), so the profile lists registered URIs
 * and we try them in order, binding loopback addresses literally (never Node's all-interfaces
 * default). It answers only GET on the exact path, with a fixed page (no redirects, nothing echoed
 * from the request), accepts exactly one callback, then closes.
 *
 * What counts as "the" callback is decided by `onCallback` (the sign-in flow checks `state`):
 *  - `{ kind: 'reject', message }`: an error page, the listener stays open for the real callback.
 *  - `{ kind: 'accept', completion }`: single use from here on; the page shows the completion's
 *    outcome (success or a readable error), then the listener closes.
 */
export type CallbackVerdict =
  | { kind: 'reject'; message: string }
  | { kind: 'accept'; completion: Promise<{ ok: boolean; message: string; title?: string }> };

export interface LoopbackListenerOptions {
  /** Registered loopback redirect URIs, tried in order. */
  redirectUris: readonly string[];
  onCallback: (callbackUrl: URL) => CallbackVerdict;
  logger?: Logger;
  /** Product name on the fixed pages. */
  appName?: string;
}

export interface LoopbackListener {
  /** The registered redirect URI whose port we bound (send exactly this to the IdP). */
  readonly redirectUri: string;
  /** Addresses actually bound (127.0.0.1 and/or ::1). */
  readonly addresses: readonly AddressInfo[];
  readonly closed: boolean;
  close(): Promise<void>;
}

interface BindTarget {
  uri: string;
  url: URL;
  hosts: string[];
}

function bindTargets(uri: string): BindTarget {
  const url = new URL(uri);
  const host = url.hostname.toLowerCase();
  // `localhost` may resolve to either family in the browser: hold both, so no other process can
  // take the one we did not bind. An IP literal binds exactly that address.
  const hosts = host === 'localhost' ? ['127.0.0.1', '::1'] : [host === '[::1]' ? '::1' : host];
  return { uri, url, hosts };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port, exclusive: true });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    // Stop listening at once, but let a response in flight finish gracefully (Connection: close
    // ends each socket after its response); a destroyed socket makes browsers retry the request
    // and show "connection refused" instead of our page. Stragglers are cut after a moment.
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 1_000).unref();
  });
}

function isLoopbackRemote(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

function send(res: ServerResponse, status: number, html: string): Promise<void> {
  if (res.headersSent) return Promise.resolve();
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    Connection: 'close',
  });
  return new Promise((resolve) => {
    res.on('close', () => resolve());
    res.end(html, () => resolve());
  });
}

/**
 * Binds the first registered redirect URI whose port is free on its loopback address(es).
 * Throws AppError REDIRECT_PORTS_BUSY naming every host:port tried when none can be bound.
 */
export async function openLoopbackListener(options: LoopbackListenerOptions): Promise<LoopbackListener> {
  const log = options.logger ?? silentLogger;
  const appName = options.appName ?? 'Cognito Desktop';
  if (options.redirectUris.length === 0) {
    throw new AppError('CONFIG_INVALID', 'The profile lists no loopback redirect URI.');
  }
  const tried: string[] = [];
  for (const uri of options.redirectUris) {
    const target = bindTargets(uri);
    const port = Number(target.url.port);
    const servers: Server[] = [];
    let state: 'waiting' | 'accepted' | 'closed' = 'waiting';
    let closePromise: Promise<void> | undefined;
    const close = (): Promise<void> => {
      if (!closePromise) {
        state = 'closed';
        closePromise = Promise.all(servers.map(closeServer)).then(() => undefined);
      }
      return closePromise;
    };
    const expectedHost = target.url.host.toLowerCase();

    const handle = (req: IncomingMessage, res: ServerResponse) => {
      // Defence in depth: we bind loopback only, but refuse anything else that arrives anyway.
      if (!isLoopbackRemote(req.socket.remoteAddress)) {
        req.socket.destroy();
        return;
      }
      const hostHeader = (req.headers.host ?? '').toLowerCase();
      let path: URL;
      try {
        path = new URL(req.url ?? '/', target.url);
      } catch {
        void send(res, 400, renderCallbackPage(appName, false, 'This address is not a sign-in callback.'));
        return;
      }
      // Only the exact registered path on the registered host (guards against DNS rebinding too).
      // Compare the raw request target as well: URL resolution would turn `/../callback`,
      // `//evil.test/callback` or an absolute-form target into the callback path.
      const rawTarget = req.url ?? '';
      const queryAt = rawTarget.indexOf('?');
      const rawPath = queryAt === -1 ? rawTarget : rawTarget.slice(0, queryAt);
      if (
        req.method !== 'GET' ||
        hostHeader !== expectedHost ||
        rawPath !== target.url.pathname ||
        path.pathname !== target.url.pathname
      ) {
        void send(res, 404, renderCallbackPage(appName, false, 'This address is not a sign-in callback.'));
        return;
      }
      if (state !== 'waiting') {
        void send(res, 409, renderCallbackPage(appName, false, 'This sign-in has already been handled.'));
        return;
      }
      // Rebuild the URL on the registered URI, never on the Host header, so the redirect_uri sent
      // to the token endpoint is byte-for-byte the registered one.
      const callbackUrl = new URL(target.uri);
      callbackUrl.search = path.search;
      const verdict = options.onCallback(callbackUrl);
      if (verdict.kind === 'reject') {
        log.warn('loopback callback rejected', { reason: verdict.message });
        void send(res, 400, renderCallbackPage(appName, false, verdict.message));
        return;
      }
      state = 'accepted';
      void verdict.completion
        .then(
          (outcome) =>
            send(
              res,
              outcome.ok ? 200 : 400,
              renderCallbackPage(appName, outcome.ok, outcome.message, outcome.title),
            ),
          () => send(res, 500, renderCallbackPage(appName, false, 'Sign-in failed. Return to the app.')),
        )
        // Close only after the page has been flushed to the browser.
        .finally(() => close());
    };

    let bound = true;
    for (const host of target.hosts) {
      const server = createServer(handle);
      server.keepAliveTimeout = 1000;
      try {
        await listen(server, host, port);
        servers.push(server);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // ::1 may not exist on this machine (IPv6 disabled): then 127.0.0.1 alone is enough.
        if (
          host === '::1' &&
          target.hosts.length > 1 &&
          (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')
        ) {
          continue;
        }
        bound = false;
        tried.push(`${host.includes(':') ? `[${host}]` : host}:${port}${code ? ` (${code})` : ''}`);
        break;
      }
    }
    if (!bound || servers.length === 0) {
      await close();
      continue;
    }
    const addresses = servers.map((s) => s.address() as AddressInfo);
    log.info('loopback listener open', { redirectUri: target.uri });
    return {
      redirectUri: target.uri,
      addresses,
      get closed() {
        return state === 'closed';
      },
      close,
    };
  }
  throw new AppError(
    'REDIRECT_PORTS_BUSY',
    `Cannot listen for the sign-in redirect: every registered port is in use (${tried.join(', ')}). ` +
      'Close the program using them or register another redirect URI.',
  );
}
