import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';

export interface Note {
  id: string;
  title: string;
  body: string;
  createdAt: string;
  updatedAt: string;
}

export interface SeenUser {
  sub: string;
  username: string;
  groups: string[];
  firstSeen: string;
  lastSeen: string;
}

interface NoteRow {
  id: string;
  title: string;
  body: string;
  created_at: string;
  updated_at: string;
}

interface UserRow {
  sub: string;
  username: string;
  groups: string;
  first_seen: string;
  last_seen: string;
}

const toNote = (r: NoteRow): Note => ({
  id: r.id,
  title: r.title,
  body: r.body,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/**
 * Notes and seen users in SQLite (better-sqlite3 12): each write is an atomic, durable
 * transaction without hand-written temp-file-and-rename code; synchronous calls mean two
 * requests can never interleave inside one read-modify-write; WAL keeps reads cheap.
 * Every note query is scoped by owner, so another user's note is indistinguishable from none.
 */
export class NotesStore {
  private readonly db: Database.Database;
  private readonly stmts;

  constructor(readonly dbPath: string) {
    mkdirSync(path.dirname(dbPath), { recursive: true });
    this.db = new Database(dbPath);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS notes (
        id TEXT PRIMARY KEY,
        owner_sub TEXT NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS notes_owner ON notes(owner_sub, created_at);
      CREATE TABLE IF NOT EXISTS seen_users (
        sub TEXT PRIMARY KEY,
        username TEXT NOT NULL,
        groups TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL
      );
    `);
    this.stmts = {
      list: this.db.prepare<[string], NoteRow>(
        'SELECT id, title, body, created_at, updated_at FROM notes WHERE owner_sub = ? ORDER BY created_at, id',
      ),
      count: this.db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM notes WHERE owner_sub = ?'),
      get: this.db.prepare<[string, string], NoteRow>(
        'SELECT id, title, body, created_at, updated_at FROM notes WHERE id = ? AND owner_sub = ?',
      ),
      insert: this.db.prepare(
        'INSERT INTO notes (id, owner_sub, title, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      update: this.db.prepare(
        'UPDATE notes SET title = ?, body = ?, updated_at = ? WHERE id = ? AND owner_sub = ?',
      ),
      remove: this.db.prepare('DELETE FROM notes WHERE id = ? AND owner_sub = ?'),
      seen: this.db.prepare(`
        INSERT INTO seen_users (sub, username, groups, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT(sub) DO UPDATE SET username = excluded.username, groups = excluded.groups,
          last_seen = excluded.last_seen`),
      users: this.db.prepare<[], UserRow>(
        'SELECT sub, username, groups, first_seen, last_seen FROM seen_users ORDER BY username, sub',
      ),
    };
  }

  list(owner: string): Note[] {
    return this.stmts.list.all(owner).map(toNote);
  }

  count(owner: string): number {
    return this.stmts.count.get(owner)?.n ?? 0;
  }

  create(owner: string, input: { title: string; body: string }): Note {
    const now = new Date().toISOString();
    const id = randomUUID();
    this.stmts.insert.run(id, owner, input.title, input.body, now, now);
    return { id, title: input.title, body: input.body, createdAt: now, updatedAt: now };
  }

  update(owner: string, id: string, patch: { title?: string; body?: string }): Note | undefined {
    return this.db.transaction(() => {
      const row = this.stmts.get.get(id, owner);
      if (!row) return undefined;
      const now = new Date().toISOString();
      const title = patch.title ?? row.title;
      const body = patch.body ?? row.body;
      this.stmts.update.run(title, body, now, id, owner);
      return { id, title, body, createdAt: row.created_at, updatedAt: now };
    })();
  }

  remove(owner: string, id: string): boolean {
    return this.stmts.remove.run(id, owner).changes > 0;
  }

  recordSeen(user: { sub: string; username: string; groups: string[] }): void {
    const now = new Date().toISOString();
    this.stmts.seen.run(user.sub, user.username, JSON.stringify(user.groups), now, now);
  }

  seenUsers(): SeenUser[] {
    return this.stmts.users.all().map((r) => ({
      sub: r.sub,
      username: r.username,
      groups: JSON.parse(r.groups) as string[],
      firstSeen: r.first_seen,
      lastSeen: r.last_seen,
    }));
  }

  close(): void {
    this.db.close();
  }
}
