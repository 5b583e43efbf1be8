import type { DesktopApi } from '../../shared/desktop-api';

/**
 * The reads every start makes (session, profiles, policy, settings, the OS languages, About,
 * updates), sent to main as soon as the bundle runs (main.tsx, before the first render) instead
 * of from the first commit's effects: main answers while React renders. A hook takes its start
 * read once, for its first read, and asks main itself after that. An answer that is already in
 * when a hook first renders is its initial state, so the first screen can be the real one rather
 * than "Starting…" followed by a second render.
 */
const READS = {
  session: (d: DesktopApi) => d.session.get(),
  profiles: (d: DesktopApi) => d.profiles.list(),
  policy: (d: DesktopApi) => d.policy.get(),
  settings: (d: DesktopApi) => d.settings.get(),
  languages: (d: DesktopApi) => d.system.preferredLanguages(),
  about: (d: DesktopApi) => d.app.about(),
  updates: (d: DesktopApi) => d.updates.get(),
} as const;

export type StartRead = keyof typeof READS;
type Answer<N extends StartRead> = Awaited<ReturnType<(typeof READS)[N]>>;

interface Entry {
  promise: Promise<unknown>;
  answer?: { value: unknown };
  taken: boolean;
}
const entries = new Map<StartRead, Entry>();

function send<N extends StartRead>(name: N): Promise<Answer<N>> {
  try {
    return READS[name](window.desktop) as Promise<Answer<N>>;
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/** Sends every start read now. */
export function sendStartReads(): void {
  for (const name of Object.keys(READS) as StartRead[]) {
    const entry: Entry = { promise: send(name), taken: false };
    entry.promise.then(
      (value) => {
        entry.answer = { value };
      },
      () => undefined, // the hook that takes it sees the rejection
    );
    entries.set(name, entry);
  }
}

/** The start read's answer when main has given it and no hook has taken it yet. */
export function startAnswer<N extends StartRead>(name: N): Answer<N> | undefined {
  const entry = entries.get(name);
  return entry && !entry.taken ? (entry.answer?.value as Answer<N> | undefined) : undefined;
}

/** The start read the first time it is asked for, a fresh read from main after that. */
export function read<N extends StartRead>(name: N): Promise<Answer<N>> {
  const entry = entries.get(name);
  if (entry && !entry.taken) {
    entry.taken = true;
    return entry.promise as Promise<Answer<N>>;
  }
  return send(name);
}
