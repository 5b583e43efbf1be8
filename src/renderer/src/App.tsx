import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { PolicyView, Profiles } from '../../shared/ipc-contract';
import type { UiError } from './api-call';
import { AppActionsContext, type AppActions } from './app-context';
import { ErrorNotice } from './components/ErrorNotice';
import { ExportDiagnosticsButton } from './components/ExportDiagnosticsButton';
import { UpdateBanner } from './components/UpdateBanner';
import type { useSettings } from './hooks/use-settings';
import { useSession } from './hooks/use-session';
import { read, startAnswer } from './start-reads';
import { useT } from './i18n';
import { EMPTY_DRAFTS, hasUnsavedText, type NoteDrafts } from './notes-model';
import { SignInScreen, WaitingForBrowserScreen, type SessionEndedReason } from './screens/SignInScreen';
import type { SettingsScreenProps } from './screens/SettingsScreen';
import type { View } from './screens/SignedInShell';

// The first screen (sign-in, waiting, the error and policy screens) is in the entry chunk; the
// signed-in app and Settings load on first use, so a cold start to sign-in does not fetch,
// compile and run them (docs/performance.md, renderer figures).
const loadShell = () => import('./screens/SignedInShell');
const loadSettings = () => import('./screens/SettingsScreen');
const SignedInShell = lazy(() => loadShell().then((m) => ({ default: m.SignedInShell })));
const SettingsScreen = lazy(() => loadSettings().then((m) => ({ default: m.SettingsScreen })));

const INTERNAL_ERROR: UiError = { code: 'INTERNAL', message: 'The app could not reach its main process.' };

/**
 * The app shell. It owns what must outlive a screen: the current view and unsaved note text
 * (kept through an expired or revoked session, dropped on an explicit sign-out or when another
 * user signs in), and the one polite live region.
 */
export function App(props: { settings: ReturnType<typeof useSettings> }) {
  const t = useT();
  const { session, history, loadError, setSession, refresh } = useSession();
  // Settings while signed out (no navigation there); signed in, Settings is a view.
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [focusAbout, setFocusAbout] = useState(0);
  const [profiles, setProfiles] = useState<Profiles | null>(() => {
    const answer = startAnswer('profiles');
    return answer?.ok ? answer.value : null;
  });
  const [policy, setPolicy] = useState<PolicyView | null>(() => {
    const answer = startAnswer('policy');
    return answer?.ok ? answer.value : null;
  });
  const [switchingProfile, setSwitchingProfile] = useState(false);
  const [view, setView] = useState<View>('home');
  const [drafts, setDrafts] = useState<NoteDrafts>(EMPTY_DRAFTS);
  const [placeOwner, setPlaceOwner] = useState<string | null>(null);
  const [signInError, setSignInError] = useState<UiError | null>(null);
  const [sessionEnded, setSessionEnded] = useState<SessionEndedReason>(null);
  const [signingOut, setSigningOut] = useState(false);
  const [signOutError, setSignOutError] = useState<UiError | null>(null);
  const [reopenedAt, setReopenedAt] = useState<number | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const announceSeq = useRef(0);

  const announce = useCallback((message: string) => {
    // A trailing zero-width change makes a repeated message ("Note saved.") announce again.
    announceSeq.current += 1;
    setAnnouncement(message + (announceSeq.current % 2 ? '' : '\u200b'));
  }, []);

  const loadProfiles = useCallback(async () => {
    try {
      const result = await read('profiles');
      if (result.ok) setProfiles(result.value);
      else
        setProfiles({
          activeProfileId: null,
          profiles: [],
          configError: { file: 'profiles', message: result.error.message },
        });
    } catch {
      setProfiles({
        activeProfileId: null,
        profiles: [],
        configError: { file: 'profiles', message: INTERNAL_ERROR.message },
      });
    }
  }, []);

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- reads main's profile list once at start
    void loadProfiles();
  }, [loadProfiles]);
  useEffect(() => {
    // The policy is read once at start by main and does not change while the app runs.
    void read('policy').then((r) => {
      if (r.ok) setPolicy(r.value);
    });
  }, []);

  // Follow the session: remember why it ended, and whose place and drafts we are keeping.
  const status = session?.status;
  const reason = session?.status === 'signed-out' ? session.reason : null;
  const username = session?.status === 'signed-in' ? session.user.username : null;
  const connectivity = session?.status === 'signed-in' ? session.connectivity : null;
  useEffect(() => {
    /* eslint-disable react-hooks/set-state-in-effect -- mirrors main's published session into UI-only state */
    if (
      status === 'signed-out' &&
      (reason === 'expired' || reason === 'revoked' || reason === 'signed-out-elsewhere')
    ) {
      setSessionEnded(reason);
    }
    if (status === 'signed-in' && username !== null) {
      setSessionEnded(null);
      setSignInError(null);
      if (placeOwner !== null && placeOwner !== username) {
        // Someone else signed in: the previous user's unsaved text is not theirs to see.
        setDrafts(EMPTY_DRAFTS);
      }
      if (placeOwner !== username) setPlaceOwner(username);
    }
    /* eslint-enable react-hooks/set-state-in-effect */
  }, [status, reason, username, placeOwner]);

  // Signed out or waiting for the browser, the signed-in app comes next: fetch it once the
  // screen is up and the page is idle, so signing in does not wait for it.
  useEffect(() => {
    if (status !== 'signed-out' && status !== 'signing-in') return;
    const id = requestIdleCallback(() => {
      void loadShell();
      void loadSettings();
    });
    return () => cancelIdleCallback(id);
  }, [status]);

  // Offline until a refresh succeeds: offline -> refreshing -> online is one outage, announced
  // once going down and once coming back, with the banner kept up while reconnecting.
  const [degraded, setDegraded] = useState(false);
  useEffect(() => {
    /* eslint-disable react-hooks/set-state-in-effect -- follows main's published connectivity */
    if (connectivity === 'offline' && !degraded) {
      setDegraded(true);
      announce(t('announce.offline'));
    } else if (connectivity === 'online' && degraded) {
      setDegraded(false);
      announce(t('announce.online'));
    } else if (connectivity === null && degraded) {
      setDegraded(false);
    }
    /* eslint-enable react-hooks/set-state-in-effect */
  }, [connectivity, degraded, announce, t]);

  const onSessionLost = useCallback(
    (error: UiError) => {
      setSessionEnded(error.code === 'SESSION_EXPIRED' ? 'expired' : 'revoked');
      void refresh();
    },
    [refresh],
  );
  const actions = useMemo<AppActions>(() => ({ onSessionLost, announce }), [onSessionLost, announce]);

  const signIn = async (option?: number) => {
    setSignInError(null);
    setReopenedAt(null);
    try {
      const result = await window.desktop.auth.signIn(option === undefined ? {} : { signInOption: option });
      if (result.ok) {
        setSession(result.value);
        if (result.value.status === 'signed-in') {
          announce(t('announce.signedIn', { name: result.value.user.username }));
        }
      } else {
        setSignInError(result.error);
        void refresh();
      }
    } catch {
      setSignInError(INTERNAL_ERROR);
    }
  };

  const cancelSignIn = async () => {
    try {
      await window.desktop.auth.cancelSignIn();
    } finally {
      void refresh();
    }
  };

  const reopen = async () => {
    const result = await window.desktop.auth
      .reopenBrowser()
      .catch(() => ({ ok: false as const, error: INTERNAL_ERROR }));
    if (result.ok) setReopenedAt(Date.now());
    else setSignInError(result.error);
  };

  const signOut = async (endHostedUiSession: boolean) => {
    setSigningOut(true);
    setSignOutError(null);
    try {
      const result = await window.desktop.auth.signOut({ endHostedUiSession });
      if (result.ok) {
        // An explicit sign-out forgets the place and the drafts: the next person starts fresh.
        setView('home');
        setDrafts(EMPTY_DRAFTS);
        setPlaceOwner(null);
        setSessionEnded(null);
        setSession(result.value);
        announce(t('announce.signedOut'));
      } else {
        setSignOutError(result.error);
        void refresh();
      }
    } catch {
      setSignOutError(INTERNAL_ERROR);
    } finally {
      setSigningOut(false);
    }
  };

  const signOutEverywhere = async () => {
    setSigningOut(true);
    setSignOutError(null);
    try {
      const result = await window.desktop.account.signOutEverywhere();
      if (result.ok) {
        setView('home');
        setDrafts(EMPTY_DRAFTS);
        setPlaceOwner(null);
        setSessionEnded(null);
        setSession(result.value);
        announce(t('announce.signedOutEverywhere'));
      } else if (result.error.code !== 'NOT_CONFIRMED') {
        setSignOutError(result.error);
      }
    } catch {
      setSignOutError(INTERNAL_ERROR);
    } finally {
      setSigningOut(false);
    }
  };

  const switchProfile = async (profileId: string) => {
    setSwitchingProfile(true);
    setSignInError(null);
    try {
      const result = await window.desktop.profiles.switch({ profileId });
      if (result.ok) setProfiles(result.value);
      else setSignInError(result.error);
    } catch {
      setSignInError(INTERNAL_ERROR);
    } finally {
      setSwitchingProfile(false);
      void refresh();
    }
  };

  const activeProfile = profiles?.profiles.find((p) => p.id === profiles.activeProfileId);

  // The application menu's commands (Settings…, About, Sign Out), sent by main.
  const signedIn = session?.status === 'signed-in';
  const commandRef = useRef<(command: string) => void>(() => undefined);
  const onCommand = (command: string) => {
    if (command === 'open-settings' || command === 'show-about') {
      if (signedIn) setView('settings');
      else setSettingsOpen(true);
      if (command === 'show-about') setFocusAbout((n) => n + 1);
    } else if (command === 'sign-out' && signedIn && !signingOut) {
      void signOut(false);
    }
  };
  useEffect(() => {
    commandRef.current = onCommand;
  });
  useEffect(() => window.desktop.app.onCommand(({ command }) => commandRef.current(command)), []);

  const settingsProps: SettingsScreenProps = {
    view: props.settings.view,
    language: props.settings.language,
    onChange: (patch) => void props.settings.update(patch),
    saveError: props.settings.saveError,
    storage: session?.storage ?? null,
    profiles,
    policy,
    onProfilesChanged: setProfiles,
    about: props.settings.about,
    focusAbout: focusAbout > 0,
  };

  let screen;
  if (session === null) {
    screen = loadError ? (
      <main className="center-screen">
        <div className="card sign-in-card">
          <h1>{t('app.name')}</h1>
          <ErrorNotice
            error={{ code: 'INTERNAL', message: loadError }}
            action={
              <>
                <button type="button" onClick={() => void refresh()}>
                  {t('common.tryAgain')}
                </button>
                <ExportDiagnosticsButton />
              </>
            }
          />
        </div>
      </main>
    ) : (
      <main className="center-screen" aria-busy="true">
        <p role="status">{t('app.starting')}</p>
      </main>
    );
  } else if (session.status === 'signing-in') {
    screen = (
      <WaitingForBrowserScreen
        session={session}
        reopenedAt={reopenedAt}
        onCancel={() => void cancelSignIn()}
        onReopen={() => void reopen()}
      />
    );
  } else if (session.status === 'signed-out' && settingsOpen) {
    screen = (
      <main className="center-screen">
        <div className="settings-page">
          <SettingsScreen {...settingsProps} key={focusAbout} onBack={() => setSettingsOpen(false)} />
        </div>
      </main>
    );
  } else if (session.status === 'signed-out') {
    screen = (
      <SignInScreen
        session={session}
        profiles={profiles}
        signInError={signInError}
        sessionEnded={sessionEnded}
        unsavedWork={hasUnsavedText(drafts)}
        onSignIn={(option) => void signIn(option)}
        onSwitchProfile={(id) => void switchProfile(id)}
        switchingProfile={switchingProfile}
        onOpenSettings={() => setSettingsOpen(true)}
      />
    );
  } else {
    screen = (
      <SignedInShell
        session={session}
        history={history}
        profile={activeProfile}
        settings={settingsProps}
        view={view}
        onNavigate={setView}
        drafts={drafts}
        setDrafts={setDrafts}
        onSignOut={(end) => void signOut(end)}
        onSignOutEverywhere={() => void signOutEverywhere()}
        signingOut={signingOut}
        signOutError={signOutError}
        degraded={degraded}
      />
    );
  }

  return (
    <AppActionsContext.Provider value={actions}>
      <UpdateBanner />
      <Suspense fallback={<Loading />}>{screen}</Suspense>
      <div className="visually-hidden" role="status" aria-live="polite" data-testid="announcer">
        {announcement}
      </div>
    </AppActionsContext.Provider>
  );
}

/** While a lazily loaded screen arrives (local files: a few milliseconds). */
function Loading() {
  const t = useT();
  return (
    <main className="center-screen" aria-busy="true">
      <p role="status">{t('common.loading')}</p>
    </main>
  );
}
