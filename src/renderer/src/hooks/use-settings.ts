import { useCallback, useEffect, useState } from 'react';
import type { AboutInfo, SettingsPatch, SettingsView } from '../../../shared/ipc-contract';
import { resolveLanguage, type Language } from '../../../shared/languages';
import type { UiError } from '../api-call';
import { read, startAnswer } from '../start-reads';

/**
 * The app's settings as main keeps them, the OS languages, and About: read once at start, kept
 * current by settings:changed. The language in use is the setting resolved against the OS's
 * languages (app.getPreferredSystemLanguages() through main; the browser's own list when main
 * has none, as in tests without Electron). The theme is applied to the document here as well as
 * by main's nativeTheme, so the page is right even where nativeTheme does not reach. The first
 * reads are the ones sent at start (start-reads.ts); answers already in are the initial state.
 */
export function useSettings(): {
  view: SettingsView | null;
  language: Language;
  about: AboutInfo | null;
  saveError: UiError | null;
  update: (patch: SettingsPatch) => Promise<void>;
} {
  const [view, setView] = useState<SettingsView | null>(() => okValue(startAnswer('settings')));
  const [systemLanguages, setSystemLanguages] = useState<readonly string[] | null>(() => {
    const answer = startAnswer('languages');
    return answer ? (answer.ok ? answer.value : []) : null;
  });
  const [about, setAbout] = useState<AboutInfo | null>(() => okValue(startAnswer('about')));
  const [saveError, setSaveError] = useState<UiError | null>(null);

  useEffect(() => {
    const unsubscribe = window.desktop.settings.onChanged(setView);
    void read('settings').then((r) => {
      if (r.ok) setView(r.value);
    });
    void read('languages').then((r) => {
      setSystemLanguages(r.ok ? r.value : []);
    });
    void read('about').then((r) => {
      if (r.ok) setAbout(r.value);
    });
    return unsubscribe;
  }, []);

  const preferred = systemLanguages && systemLanguages.length > 0 ? systemLanguages : navigator.languages;
  const language = resolveLanguage(view?.settings.language ?? 'system', preferred);
  const theme = view?.settings.theme ?? 'system';

  useEffect(() => {
    const root = document.documentElement;
    root.lang = language;
    if (theme === 'system') delete root.dataset['theme'];
    else root.dataset['theme'] = theme;
  }, [language, theme]);

  const update = useCallback(async (patch: SettingsPatch) => {
    setSaveError(null);
    // Shown at once (a radio button must not spring back while main writes the file); main's
    // answer then replaces it, and a refusal puts back what main still has.
    let before: SettingsView | null = null;
    setView((v) => {
      before = v;
      return v ? { ...v, settings: { ...v.settings, ...patch } } : v;
    });
    const result = await window.desktop.settings.update(patch);
    if (result.ok) setView(result.value);
    else {
      setView(before);
      setSaveError(result.error);
    }
  }, []);

  return { view, language, about, saveError, update };
}

function okValue<T>(answer: { ok: true; value: T } | { ok: false } | undefined): T | null {
  return answer?.ok ? answer.value : null;
}
