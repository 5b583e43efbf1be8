import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApi, type RunningDemoApi } from '../../tools/demo-api';
import { NOTE_BODY_MAX, NOTE_TITLE_MAX } from '../../tools/demo-api/routes';
import { call, tempDir } from './support/api-call';
import { TestIssuer } from './support/test-issuer';

const ALICE = { sub: 'aaaaaaaa-0000-4000-8000-00000000a11c', username: 'alice', 'cognito:groups': ['admin'] };
const BOB = { sub: 'bbbbbbbb-0000-4000-8000-0000000000b0', username: 'bob', 'cognito:groups': undefined };

describe('demo API notes, admin and HTTP hygiene', () => {
  let issuer: TestIssuer;
  let api: RunningDemoApi;
  let alice: string;
  let bob: string;
  const tmp = tempDir();
  const start = () => startDemoApi({ issuer: issuer.issuer, clientId: issuer.clientId, dbPath: tmp.dbPath });

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    api = await start();
    alice = await issuer.mint({ claims: ALICE });
    bob = await issuer.mint({ claims: BOB });
  });
  afterAll(async () => {
    await api?.close();
    await issuer?.close();
    tmp.cleanup();
  });

  it('creates, lists, updates and deletes the caller’s own notes', async () => {
    const created = await call(api.url, '/notes', {
      token: alice,
      method: 'POST',
      body: { title: '  First  ', body: 'hello' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ title: 'First', body: 'hello' });
    const id = created.json['id'] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const list = await call(api.url, '/notes', { token: alice });
    expect(list.status).toBe(200);
    expect((list.json['notes'] as Array<{ id: string }>).map((n) => n.id)).toContain(id);

    const patched = await call(api.url, `/notes/${id}`, {
      token: alice,
      method: 'PATCH',
      body: { body: 'edited' },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ id, title: 'First', body: 'edited' });

    expect((await call(api.url, `/notes/${id}`, { token: alice, method: 'DELETE' })).status).toBe(204);
    expect((await call(api.url, `/notes/${id}`, { token: alice, method: 'DELETE' })).status).toBe(404);
  });

  it('answers 404 for another user’s note and never shows it', async () => {
    const created = await call(api.url, '/notes', {
      token: alice,
      method: 'POST',
      body: { title: 'private' },
    });
    const id = created.json['id'] as string;
    const bobList = await call(api.url, '/notes', { token: bob });
    expect(bobList.json['notes']).toEqual([]);
    const patch = await call(api.url, `/notes/${id}`, {
      token: bob,
      method: 'PATCH',
      body: { title: 'pwned' },
    });
    expect(patch.status).toBe(404);
    expect((await call(api.url, `/notes/${id}`, { token: bob, method: 'DELETE' })).status).toBe(404);
    // Unknown and malformed ids look the same as someone else's.
    expect(
      (await call(api.url, '/notes/00000000-0000-4000-8000-000000000000', { token: bob, method: 'DELETE' }))
        .status,
    ).toBe(404);
    expect((await call(api.url, '/notes/../../etc', { token: bob, method: 'DELETE' })).status).toBe(404);
    const still = await call(api.url, '/notes', { token: alice });
    expect(still.json['notes']).toEqual(
      expect.arrayContaining([expect.objectContaining({ id, title: 'private' })]),
    );
  });

  it('validates input: types, extra keys, empty patches, size limits, content type, JSON', async () => {
    const bad: unknown[] = [
      {},
      { title: '' },
      { title: '   ' },
      { title: 42 },
      { title: 'x', body: null },
      { title: 'x', extra: true },
      { title: 'x'.repeat(NOTE_TITLE_MAX + 1) },
      { title: 'x', body: 'y'.repeat(NOTE_BODY_MAX + 1) },
      ['title'],
      'title',
      null,
    ];
    for (const body of bad) {
      const res = await call(api.url, '/notes', { token: alice, method: 'POST', body: JSON.stringify(body) });
      expect(res.status, JSON.stringify(body)?.slice(0, 40)).toBe(400);
      expect(res.json['error']).toBe('invalid_request');
    }
    const ok = await call(api.url, '/notes', {
      token: alice,
      method: 'POST',
      body: { title: 't', body: 'y'.repeat(NOTE_BODY_MAX) },
    });
    expect(ok.status).toBe(201);
    const id = ok.json['id'] as string;
    expect((await call(api.url, `/notes/${id}`, { token: alice, method: 'PATCH', body: {} })).status).toBe(
      400,
    );
    const polluted = await call(api.url, `/notes/${id}`, {
      token: alice,
      method: 'PATCH',
      body: '{"__proto__":{"isAdmin":true},"title":"x"}',
    });
    expect(polluted.status).toBe(400);
    expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();

    const notJson = await call(api.url, '/notes', {
      token: alice,
      method: 'POST',
      body: '{"title":',
      headers: {},
    });
    expect(notJson.status).toBe(400);
    expect(notJson.json['error']).toBe('invalid_json');
    const form = await call(api.url, '/notes', {
      token: alice,
      method: 'POST',
      body: 'title=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    const huge = await call(api.url, '/notes', {
      token: alice,
      method: 'POST',
      body: { title: 'x', body: 'z'.repeat(40_000) },
    });
    expect(huge.status).toBe(413);
    // The server is fine afterwards.
    expect((await call(api.url, '/healthz')).status).toBe(200);
  });

  it('checks the token before reading a body, and unknown paths and methods', async () => {
    const anon = await call(api.url, '/notes', { method: 'POST', body: { title: 'x' } });
    expect(anon.status).toBe(401);
    expect((await call(api.url, '/nope')).status).toBe(404);
    const wrongMethod = await call(api.url, '/me', { token: alice, method: 'PUT' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
  });

  it('lets only the admin group list users (those the API has seen), others get 403 insufficient_scope', async () => {
    await call(api.url, '/me', { token: bob });
    const denied = await call(api.url, '/admin/users', { token: bob });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('www-authenticate')).toBe(
      'Bearer realm="demo-api", error="insufficient_scope", error_description="requires group admin"',
    );
    expect(denied.json['error']).toBe('insufficient_scope');
    const allowed = await call(api.url, '/admin/users', { token: alice });
    expect(allowed.status).toBe(200);
    const users = allowed.json['users'] as Array<{ username: string; groups: string[] }>;
    expect(users.map((u) => u.username).sort()).toEqual(['alice', 'bob']);
    expect(users.find((u) => u.username === 'alice')?.groups).toEqual(['admin']);
  });

  it('keeps notes across a restart (same SQLite file)', async () => {
    const created = await call(api.url, '/notes', {
      token: bob,
      method: 'POST',
      body: { title: 'survives' },
    });
    const id = created.json['id'] as string;
    await api.close();
    api = await start();
    const list = await call(api.url, '/notes', { token: bob });
    expect(list.json['notes']).toEqual([expect.objectContaining({ id, title: 'survives' })]);
  });

  it('sends no CORS headers, even to a preflight', async () => {
    const res = await call(api.url, '/me', { token: alice, headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(200);
    expect([...res.headers.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([]);
    const preflight = await call(api.url, '/notes', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(405);
    expect([...preflight.headers.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([]);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('demo API with a required notes scope', () => {
  it('answers 403 insufficient_scope naming the scope when the token lacks it', async () => {
    const issuer = await TestIssuer.start();
    const tmp = tempDir();
    const api = await startDemoApi({
      issuer: issuer.issuer,
      clientId: issuer.clientId,
      dbPath: tmp.dbPath,
      notesScope: 'demo-api/notes',
    });
    try {
      const without = await call(api.url, '/notes', { token: await issuer.mint() });
      expect(without.status).toBe(403);
      expect(without.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
      expect(without.headers.get('www-authenticate')).toContain('scope="demo-api/notes"');
      const withScope = await call(api.url, '/notes', {
        token: await issuer.mint({ claims: { scope: 'openid demo-api/notes' } }),
      });
      expect(withScope.status).toBe(200);
      // /me needs no scope.
      expect((await call(api.url, '/me', { token: await issuer.mint() })).status).toBe(200);
    } finally {
      await api.close();
      await issuer.close();
      tmp.cleanup();
    }
  });
});
