/**
 * The demo API's notes (`{ id, title, body, createdAt, updatedAt }`), read defensively: the
 * renderer shows only what it can parse and never trusts the shape.
 */
export interface Note {
  id: string;
  title: string;
  body: string;
  updatedAt?: string;
}

/** Limits of the demo API, enforced in the form so the user learns them before a 400. */
export const NOTE_TITLE_MAX = 200;
export const NOTE_BODY_MAX = 10_000;

export interface NoteText {
  title: string;
  body: string;
}

export interface NoteDrafts {
  /** The "new note" form, not yet saved. */
  create: NoteText;
  /** The note being edited and its unsaved text. */
  editing: ({ id: string } & NoteText) | null;
}

export const EMPTY_DRAFTS: NoteDrafts = { create: { title: '', body: '' }, editing: null };

export function hasUnsavedText(drafts: NoteDrafts): boolean {
  return drafts.create.title.trim() !== '' || drafts.create.body.trim() !== '' || drafts.editing !== null;
}

export function parseNote(value: unknown): Note | null {
  if (!value || typeof value !== 'object') return null;
  const record = value as Record<string, unknown>;
  const { id, title, body, updatedAt } = record;
  if (typeof id !== 'string' || typeof title !== 'string') return null;
  return {
    id,
    title,
    body: typeof body === 'string' ? body : '',
    ...(typeof updatedAt === 'string' ? { updatedAt } : {}),
  };
}

/** GET /notes answers `{ notes: [...] }`. */
export function parseNoteList(value: unknown): Note[] | null {
  if (!value || typeof value !== 'object') return null;
  const list = (value as Record<string, unknown>)['notes'];
  if (!Array.isArray(list)) return null;
  return list.map(parseNote).filter((note): note is Note => note !== null);
}
