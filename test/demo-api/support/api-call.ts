import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

/** One request to the demo API; `token` goes in as a Bearer header. */
export async function call(
  baseUrl: string,
  pathname: string,
  init: {
    token?: string;
    authorization?: string;
    method?: string;
    body?: unknown;
    headers?: Record<string, string>;
  } = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) headers['authorization'] = `Bearer ${init.token}`;
  if (init.authorization !== undefined) headers['authorization'] = init.authorization;
  let body: string | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(baseUrl + pathname, {
    method: init.method ?? 'GET',
    headers,
    ...(body === undefined ? {} : { body }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    json = {};
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A temp folder for a test's SQLite file, removed by the returned cleanup. */
export function tempDir(): { dir: string; dbPath: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'demo-api-test-'));
  return {
    dir,
    dbPath: path.join(dir, 'notes.sqlite'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
