import { useCallback, useEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { callApiExpectingSuccess, type UiError } from '../api-call';
import { useAppActions } from '../app-context';
import { ErrorNotice } from '../components/ErrorNotice';
import { useFocusOnMount } from '../hooks/use-focus-on-mount';
import { useFormat, useT } from '../i18n';
import {
  EMPTY_DRAFTS,
  NOTE_BODY_MAX,
  NOTE_TITLE_MAX,
  parseNote,
  parseNoteList,
  type Note,
  type NoteDrafts,
  type NoteText,
} from '../notes-model';

const NOTES_API = 'demo';

type ListState = { kind: 'loading' } | { kind: 'error'; error: UiError } | { kind: 'ready'; notes: Note[] };

/**
 * The user's notes on the demo API. Unsaved text lives in `drafts`, owned by the app shell, so
 * it survives a failed save, a screen change and a trip through sign-in after the session ends.
 */
export function NotesScreen(props: { drafts: NoteDrafts; setDrafts: Dispatch<SetStateAction<NoteDrafts>> }) {
  const { drafts, setDrafts } = props;
  const t = useT();
  const format = useFormat();
  const { onSessionLost, announce } = useAppActions();
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const listHeadingRef = useRef<HTMLHeadingElement>(null);
  const [list, setList] = useState<ListState>({ kind: 'loading' });
  const [createError, setCreateError] = useState<UiError | null>(null);
  const [editError, setEditError] = useState<UiError | null>(null);
  const [deleteError, setDeleteError] = useState<UiError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(async () => {
    setList({ kind: 'loading' });
    const outcome = await callApiExpectingSuccess({
      api: NOTES_API,
      method: 'GET',
      path: '/notes',
      onSessionLost,
    });
    if (!outcome.ok) {
      setList({ kind: 'error', error: outcome.error });
      return;
    }
    const body = outcome.response.body;
    const notes = body.kind === 'json' ? parseNoteList(body.value) : null;
    setList(
      notes
        ? { kind: 'ready', notes }
        : {
            kind: 'error',
            error: { code: 'HTTP_ERROR', message: 'The notes API answered in an unexpected format.' },
          },
    );
  }, [onSessionLost]);

  useEffect(() => {
    // Loading on mount is the point of this effect; the state it sets comes from the network.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load();
  }, [load]);

  const create = async () => {
    const text = drafts.create;
    if (text.title.trim() === '') {
      setCreateError({ code: 'IPC_INVALID_ARGUMENT', message: 'The note needs a title.' });
      return;
    }
    setBusy('create');
    setCreateError(null);
    const outcome = await callApiExpectingSuccess({
      api: NOTES_API,
      method: 'POST',
      path: '/notes',
      body: { title: text.title, body: text.body },
      onSessionLost,
    });
    setBusy(null);
    if (!outcome.ok) {
      setCreateError(outcome.error);
      return;
    }
    const body = outcome.response.body;
    const note = body.kind === 'json' ? parseNote(body.value) : null;
    // Clear only what was saved: text typed while the request was in flight stays.
    setDrafts((d) => (d.create === text ? { ...d, create: EMPTY_DRAFTS.create } : d));
    if (note) setList((l) => (l.kind === 'ready' ? { kind: 'ready', notes: [...l.notes, note] } : l));
    else void load();
    announce(t('notes.saved', { title: text.title }));
  };

  const saveEdit = async () => {
    const editing = drafts.editing;
    if (!editing) return;
    if (editing.title.trim() === '') {
      setEditError({ code: 'IPC_INVALID_ARGUMENT', message: 'The note needs a title.' });
      return;
    }
    setBusy(editing.id);
    setEditError(null);
    const outcome = await callApiExpectingSuccess({
      api: NOTES_API,
      method: 'PATCH',
      path: `/notes/${encodeURIComponent(editing.id)}`,
      body: { title: editing.title, body: editing.body },
      onSessionLost,
    });
    setBusy(null);
    if (!outcome.ok) {
      setEditError(outcome.error);
      return;
    }
    const body = outcome.response.body;
    const saved = (body.kind === 'json' ? parseNote(body.value) : null) ?? editing;
    setList((l) =>
      l.kind === 'ready' ? { kind: 'ready', notes: l.notes.map((n) => (n.id === saved.id ? saved : n)) } : l,
    );
    setDrafts((d) => ({ ...d, editing: null }));
    announce(t('notes.changesSaved'));
  };

  const remove = async (note: Note) => {
    setBusy(note.id);
    setDeleteError(null);
    const outcome = await callApiExpectingSuccess({
      api: NOTES_API,
      method: 'DELETE',
      path: `/notes/${encodeURIComponent(note.id)}`,
      onSessionLost,
    });
    setBusy(null);
    if (!outcome.ok) {
      setDeleteError(outcome.error);
      return;
    }
    setList((l) =>
      l.kind === 'ready' ? { kind: 'ready', notes: l.notes.filter((n) => n.id !== note.id) } : l,
    );
    setDrafts((d) => (d.editing?.id === note.id ? { ...d, editing: null } : d));
    announce(t('notes.deleted', { title: note.title }));
    listHeadingRef.current?.focus();
  };

  const editingMissing =
    drafts.editing !== null && list.kind === 'ready' && !list.notes.some((n) => n.id === drafts.editing?.id);

  return (
    <section aria-labelledby="notes-heading" className="stack">
      <h2 id="notes-heading" tabIndex={-1} ref={headingRef}>
        {t('nav.notes')}
      </h2>
      <form
        className="card stack"
        onSubmit={(event) => {
          event.preventDefault();
          void create();
        }}
      >
        <h3>{t('notes.new')}</h3>
        <NoteFields
          idPrefix="new-note"
          value={drafts.create}
          onChange={(create) => setDrafts((d) => ({ ...d, create }))}
        />
        {createError ? <ErrorNotice error={createError} context={t('notes.notSaved')} /> : null}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy === 'create'}>
            {busy === 'create' ? t('common.saving') : t('notes.save')}
          </button>
        </div>
      </form>

      <h3 id="notes-list-heading" tabIndex={-1} ref={listHeadingRef}>
        {t('notes.yours')}
      </h3>
      {deleteError ? <ErrorNotice error={deleteError} context={t('notes.notDeleted')} /> : null}
      {editingMissing ? (
        <div className="notice notice-warning" role="note">
          <p className="notice-title">{t('notes.editingGone')}</p>
          <p className="note-text">
            {t('notes.unsavedText')} {drafts.editing?.title} — {drafts.editing?.body}
          </p>
          <button type="button" onClick={() => setDrafts((d) => ({ ...d, editing: null }))}>
            {t('notes.discard')}
          </button>
        </div>
      ) : null}
      {list.kind === 'loading' ? (
        <p role="status" className="muted">
          {t('notes.loading')}
        </p>
      ) : list.kind === 'error' ? (
        <ErrorNotice
          error={list.error}
          context={t('notes.loadFailed')}
          action={
            <button type="button" onClick={() => void load()}>
              {t('common.tryAgain')}
            </button>
          }
        />
      ) : list.notes.length === 0 ? (
        <p className="empty" role="status">
          {t('notes.empty')}
        </p>
      ) : (
        <ul className="note-list" aria-labelledby="notes-list-heading">
          {list.notes.map((note) => {
            const editing = drafts.editing?.id === note.id ? drafts.editing : null;
            const short = note.title.length > 40 ? `${note.title.slice(0, 40)}…` : note.title;
            return (
              <li key={note.id} className="card note">
                {editing ? (
                  <form
                    className="stack"
                    onSubmit={(event) => {
                      event.preventDefault();
                      void saveEdit();
                    }}
                  >
                    <h4 className="visually-hidden">{t('notes.editing', { title: note.title })}</h4>
                    <NoteFields
                      idPrefix={`edit-${note.id}`}
                      value={editing}
                      autoFocus
                      onChange={(text) => setDrafts((d) => ({ ...d, editing: { id: note.id, ...text } }))}
                    />
                    {editError ? (
                      <ErrorNotice error={editError} context={t('notes.changesNotSaved')} />
                    ) : null}
                    <div className="actions">
                      <button type="submit" className="primary" disabled={busy === note.id}>
                        {busy === note.id ? t('common.saving') : t('notes.saveChanges')}
                      </button>
                      <button
                        type="button"
                        onClick={() => {
                          setEditError(null);
                          setDrafts((d) => ({ ...d, editing: null }));
                        }}
                      >
                        {t('notes.cancelEditing')}
                      </button>
                    </div>
                  </form>
                ) : (
                  <>
                    <h4 className="note-title">{note.title}</h4>
                    {note.body ? <p className="note-text">{note.body}</p> : null}
                    {note.updatedAt ? (
                      <p className="muted small">
                        {t('notes.updated', { time: formatUpdated(note.updatedAt, format.dateTime) })}
                      </p>
                    ) : null}
                    <div className="actions">
                      <button
                        type="button"
                        aria-label={t('notes.editLabel', { title: short })}
                        disabled={busy === note.id}
                        onClick={() => {
                          setEditError(null);
                          setDrafts((d) => ({
                            ...d,
                            editing: { id: note.id, title: note.title, body: note.body },
                          }));
                        }}
                      >
                        {t('common.edit')}
                      </button>
                      <button
                        type="button"
                        className="danger"
                        aria-label={t('notes.deleteLabel', { title: short })}
                        disabled={busy === note.id}
                        onClick={() => void remove(note)}
                      >
                        {t('common.delete')}
                      </button>
                    </div>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function NoteFields(props: {
  idPrefix: string;
  value: NoteText;
  onChange: (value: NoteText) => void;
  autoFocus?: boolean;
}) {
  const { idPrefix, value, onChange } = props;
  const t = useT();
  return (
    <>
      <div className="field">
        <label htmlFor={`${idPrefix}-title`}>{t('notes.title')}</label>
        <input
          id={`${idPrefix}-title`}
          value={value.title}
          maxLength={NOTE_TITLE_MAX}
          // Focus follows the user's Edit click into the text they want to change.
          autoFocus={props.autoFocus}
          onChange={(event) => onChange({ ...value, title: event.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-body`}>{t('notes.text')}</label>
        <textarea
          id={`${idPrefix}-body`}
          rows={3}
          maxLength={NOTE_BODY_MAX}
          value={value.body}
          onChange={(event) => onChange({ ...value, body: event.target.value })}
        />
      </div>
    </>
  );
}

function formatUpdated(iso: string, dateTime: (ms: number) => string): string {
  const ms = new Date(iso).getTime();
  return Number.isNaN(ms) ? iso : dateTime(ms);
}
