import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { AppError } from '../../src/shared/errors';
import { redact } from '../../src/shared/redact';
import { createAccessTokenVerifier, type AccessTokenVerifier } from './access-token-verifier';
import { createIdTokenVerifier, gatewayReply } from './api-gateway-authorizer';
import { createIamAuthorizer } from './iam-authorizer';
import { authenticate, authorize } from './bearer-auth';
import { RequestError, send, type Reply } from './http-io';
import { NotesStore } from './notes-store';
import { buildRoutes, matchRoute } from './routes';
import type { AccessTokenClaims, RunningDemoApi, StartDemoApiOptions } from './types';
import { VerifiedTokenCache } from './verified-token-cache';

export type { RunningDemoApi, StartDemoApiOptions } from './types';

export const DEFAULT_DB_PATH = path.resolve(import.meta.dirname, '../../.data/demo-api.sqlite');
const SEEN_USER_WRITE_INTERVAL_MS = 60_000;

function buildVerifier(options: StartDemoApiOptions) {
  const tuning = {
    ...(options.jwksRefetchWaitSeconds === undefined
      ? {}
      : { refetchWaitSeconds: options.jwksRefetchWaitSeconds }),
    ...(options.jwksFailureCooldownMs === undefined
      ? {}
      : { failureCooldownMs: options.jwksFailureCooldownMs }),
    ...(options.tls?.ca === undefined ? {} : { ca: options.tls.ca }),
  };
  if (!options.clientId) throw new AppError('CONFIG_INVALID', 'clientId is required');
  // API-Gateway-like mode (api-gateway-authorizer.ts): ID tokens instead of access tokens.
  const create = options.authorizer === 'api-gateway' ? createIdTokenVerifier : createAccessTokenVerifier;
  if (options.userPoolId !== undefined) {
    return create(
      {
        kind: 'cognito',
        userPoolId: options.userPoolId,
        clientId: options.clientId,
        ...(options.region === undefined ? {} : { region: options.region }),
      },
      tuning,
    );
  }
  if (!options.issuer) throw new AppError('CONFIG_INVALID', 'issuer (or region + userPoolId) is required');
  const issuer = options.issuer.replace(/\/+$/, '');
  const jwksUri = options.jwksUri ?? `${issuer}/.well-known/jwks.json`;
  return create({ kind: 'local', issuer, jwksUri, clientId: options.clientId }, tuning);
}

/** Starts the reference resource server on 127.0.0.1. */
export async function startDemoApi(options: StartDemoApiOptions): Promise<RunningDemoApi> {
  const log = options.log ?? (() => undefined);
  // IAM mode (API Gateway AWS_IAM): SigV4 by identity-pool credentials instead of a bearer.
  if (options.authorizer === 'iam' && !options.iam) {
    throw new AppError('CONFIG_INVALID', 'the iam authorizer needs the pool definition (iam)');
  }
  const iamAuthorizer =
    options.authorizer === 'iam' && options.iam
      ? createIamAuthorizer({ definition: options.iam, ...(options.now ? { now: options.now } : {}) })
      : undefined;
  const verifier = iamAuthorizer ? undefined : buildVerifier(options);
  const cacheSize = options.tokenCacheSize ?? 10_000;
  const cache = verifier
    ? new VerifiedTokenCache(verifier, {
        maxEntries: cacheSize,
        ...(options.now ? { now: options.now } : {}),
      })
    : undefined;
  const tokenVerifier: AccessTokenVerifier | undefined = cache;
  const dbPath = options.dbPath ?? DEFAULT_DB_PATH;
  const store = new NotesStore(dbPath);
  const routes = buildRoutes(options.notesScope === undefined ? {} : { notesScope: options.notesScope });
  const lastSeenWrite = new Map<string, number>();

  const recordSeen = (claims: AccessTokenClaims) => {
    const now = Date.now();
    const last = lastSeenWrite.get(claims.sub);
    if (last !== undefined && now - last < SEEN_USER_WRITE_INTERVAL_MS) return;
    lastSeenWrite.set(claims.sub, now);
    store.recordSeen(claims);
  };

  const handle = async (req: http.IncomingMessage): Promise<{ reply: Reply; sub?: string }> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = matchRoute(routes, req.method ?? 'GET', url.pathname);
    if ('status' in match) {
      return match.status === 404
        ? { reply: { status: 404, body: { error: 'not_found', error_description: 'no such endpoint' } } }
        : {
            reply: {
              status: 405,
              headers: { Allow: match.allow },
              body: { error: 'method_not_allowed', error_description: 'method not allowed' },
            },
          };
    }
    const { route, params } = match;
    if (route.auth === undefined) {
      return { reply: await route.handle({ req, params, store }) };
    }
    if (iamAuthorizer) {
      const signed = await iamAuthorizer.authenticate(req);
      if ('reply' in signed) return { reply: signed.reply };
      const denied = authorize(signed.claims, route.auth);
      if (denied) return { reply: { status: 403, body: { message: 'Forbidden' } }, sub: signed.claims.sub };
      try {
        return {
          reply: await route.handle({ req: signed.req, params, store, claims: signed.claims }),
          sub: signed.claims.sub,
        };
      } catch (err) {
        if (err instanceof RequestError) return { reply: err.toReply(), sub: signed.claims.sub };
        throw err;
      }
    }
    const auth = await authenticate(req.headers.authorization, tokenVerifier as AccessTokenVerifier);
    if ('failure' in auth) {
      return { reply: options.authorizer === 'api-gateway' ? gatewayReply(auth.failure) : auth.failure };
    }
    const denied = authorize(auth.claims, route.auth);
    if (denied) return { reply: denied, sub: auth.claims.sub };
    recordSeen(auth.claims);
    try {
      return { reply: await route.handle({ req, params, store, claims: auth.claims }), sub: auth.claims.sub };
    } catch (err) {
      if (err instanceof RequestError) return { reply: err.toReply(), sub: auth.claims.sub };
      throw err;
    }
  };

  const createServer = (options.tls ? https.createServer : http.createServer) as typeof http.createServer;
  const tls = options.tls ? { key: options.tls.key, cert: options.tls.cert } : {};
  const server = createServer({ maxHeaderSize: 16 * 1024, ...tls }, (req, res) => {
    const started = process.hrtime.bigint();
    let sub: string | undefined;
    res.on('finish', () => {
      // Method, path and status only: never headers (Authorization), never the query string.
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const pathname = (req.url ?? '/').split('?')[0] ?? '/';
      log(
        redact(
          JSON.stringify({
            event: 'request',
            method: req.method,
            path: pathname.slice(0, 200),
            status: res.statusCode,
            ms: Math.round(ms * 100) / 100,
            ...(sub ? { sub } : {}),
          }),
        ),
      );
    });
    handle(req).then(
      (result) => {
        sub = result.sub;
        if (result.reply.status === 413) res.setHeader('Connection', 'close');
        send(res, result.reply);
        // Drain an unread body so keep-alive stays usable (bounded by the server's request timeout).
        req.resume();
      },
      (err: unknown) => {
        if (err instanceof RequestError) {
          if (err.status === 413) res.setHeader('Connection', 'close');
          send(res, err.toReply());
        } else {
          log(
            redact(
              JSON.stringify({ event: 'error', message: err instanceof Error ? err.message : 'unknown' }),
            ),
          );
          send(res, { status: 500, body: { error: 'internal_error', error_description: 'internal error' } });
        }
        req.resume();
      },
    );
  });
  // Requests Node refuses before our handler (oversized headers, bad HTTP) are logged too.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    log(JSON.stringify({ event: 'client_error', code: err.code ?? 'unknown' }));
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    socket.end(
      err.code === 'HPE_HEADER_OVERFLOW'
        ? 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'
        : 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
    );
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  log(JSON.stringify({ event: 'listening', url, dbPath }));

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    dbPath,
    tokenCacheSize: () => cache?.size ?? 0,
    jwksFetchCount: () => verifier?.fetcher.fetchCount ?? 0,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          store.close();
          resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
