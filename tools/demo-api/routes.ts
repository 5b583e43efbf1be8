import { z } from 'zod';
import type { IncomingMessage } from 'node:http';
import type { AccessTokenClaims } from './types';
import type { RouteRequirement } from './bearer-auth';
import { RequestError, readJsonBody, type Reply } from './http-io';
import type { NotesStore } from './notes-store';

export const NOTE_TITLE_MAX = 200;
export const NOTE_BODY_MAX = 10_000;
export const NOTES_PER_USER_MAX = 500;

const title = z.string().trim().min(1).max(NOTE_TITLE_MAX);
const body = z.string().max(NOTE_BODY_MAX);
const createNote = z.strictObject({ title, body: body.default('') });
const patchNote = z
  .strictObject({ title: title.optional(), body: body.optional() })
  .refine((p) => p.title !== undefined || p.body !== undefined, { message: 'nothing to change' });
const noteId = z.uuid();

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new RequestError(400, 'invalid_request', 'invalid note', { issues });
  }
  return result.data;
}

export interface PublicContext {
  req: IncomingMessage;
  params: Record<string, string>;
  store: NotesStore;
}

export interface RouteContext extends PublicContext {
  claims: AccessTokenClaims;
}

interface RouteBase {
  method: string;
  /** Path segments; ':name' matches one segment. */
  pattern: string[];
}

/** No bearer needed (health check). */
export interface PublicRoute extends RouteBase {
  auth?: undefined;
  handle(ctx: PublicContext): Reply | Promise<Reply>;
}

/** Bearer required, then the requirement checked on every request. */
export interface ProtectedRoute extends RouteBase {
  auth: RouteRequirement;
  handle(ctx: RouteContext): Reply | Promise<Reply>;
}

export type Route = PublicRoute | ProtectedRoute;

const open = (r: PublicRoute): Route => r;
const guarded = (r: ProtectedRoute): Route => r;

const notFound = (): never => {
  throw new RequestError(404, 'not_found', 'note not found');
};

export function buildRoutes(options: { notesScope?: string }): Route[] {
  const notesAuth: RouteRequirement = options.notesScope === undefined ? {} : { scope: options.notesScope };
  return [
    open({
      method: 'GET',
      pattern: ['healthz'],
      handle: () => ({ status: 200, body: { status: 'ok' } }),
    }),
    guarded({
      method: 'GET',
      pattern: ['me'],
      auth: {},
      handle: ({ claims }) => ({
        status: 200,
        body: {
          sub: claims.sub,
          username: claims.username,
          groups: claims.groups,
          scopes: claims.scopes,
          clientId: claims.clientId,
          issuer: claims.issuer,
          expiresAt: new Date(claims.exp * 1000).toISOString(),
        },
      }),
    }),
    guarded({
      method: 'GET',
      pattern: ['notes'],
      auth: notesAuth,
      handle: ({ claims, store }) => ({ status: 200, body: { notes: store.list(claims.sub) } }),
    }),
    guarded({
      method: 'POST',
      pattern: ['notes'],
      auth: notesAuth,
      handle: async ({ req, claims, store }) => {
        const input = parse(createNote, await readJsonBody(req));
        if (store.count(claims.sub) >= NOTES_PER_USER_MAX) {
          throw new RequestError(409, 'note_limit_reached', `at most ${NOTES_PER_USER_MAX} notes per user`);
        }
        return { status: 201, body: store.create(claims.sub, input) };
      },
    }),
    guarded({
      method: 'PATCH',
      pattern: ['notes', ':id'],
      auth: notesAuth,
      handle: async ({ req, claims, params, store }) => {
        // Unknown, malformed and other users' ids all answer the same 404: ids leak nothing.
        const id = noteId.safeParse(params['id']);
        if (!id.success) return notFound();
        const patch = parse(patchNote, await readJsonBody(req));
        const updated = store.update(claims.sub, id.data, {
          ...(patch.title === undefined ? {} : { title: patch.title }),
          ...(patch.body === undefined ? {} : { body: patch.body }),
        });
        return updated ? { status: 200, body: updated } : notFound();
      },
    }),
    guarded({
      method: 'DELETE',
      pattern: ['notes', ':id'],
      auth: notesAuth,
      handle: ({ claims, params, store }) => {
        const id = noteId.safeParse(params['id']);
        if (!id.success || !store.remove(claims.sub, id.data)) return notFound();
        return { status: 204 };
      },
    }),
    guarded({
      method: 'GET',
      pattern: ['admin', 'users'],
      auth: { group: 'admin' },
      handle: ({ store }) => ({ status: 200, body: { users: store.seenUsers() } }),
    }),
  ];
}

/** Finds the route for a path; distinguishes "no such path" (404) from "wrong method" (405). */
export function matchRoute(
  routes: Route[],
  method: string,
  pathname: string,
): { route: Route; params: Record<string, string> } | { status: 404 } | { status: 405; allow: string } {
  const segments = pathname.split('/').filter(Boolean);
  const methods: string[] = [];
  for (const route of routes) {
    if (route.pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const ok = route.pattern.every((p, i) => {
      const seg = segments[i] ?? '';
      if (p.startsWith(':')) {
        params[p.slice(1)] = seg;
        return true;
      }
      return p === seg;
    });
    if (!ok) continue;
    if (route.method === method) return { route, params };
    methods.push(route.method);
  }
  return methods.length === 0 ? { status: 404 } : { status: 405, allow: methods.join(', ') };
}
