import { Fragment, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type {
  AboutInfo,
  PolicyView,
  Profiles,
  SettingsPatch,
  SettingsView,
} from '../../../shared/ipc-contract';
import {
  LANGUAGE_SETTINGS,
  PSEUDO_LOCALE,
  type Language,
  type LanguageSetting,
} from '../../../shared/languages';
import type { SecretStorage } from '../../../shared/session-state';
import type { UiError } from '../api-call';
import { DemoBadge } from '../components/DemoBadge';
import { ErrorNotice } from '../components/ErrorNotice';
import { ProfileEditor } from '../components/ProfileEditor';
import { useFocusOnMount } from '../hooks/use-focus-on-mount';
import { useT, type MessageId } from '../i18n';

export interface SettingsScreenProps {
  view: SettingsView | null;
  /** The language in use now (the setting resolved against the OS languages). */
  language: Language;
  onChange: (patch: SettingsPatch) => void;
  saveError: UiError | null;
  storage: SecretStorage | null;
  profiles: Profiles | null;
  about: AboutInfo | null;
  /** Set when the menu's About item brought us here: focus goes to the About section. */
  focusAbout: boolean;
  /** Shown on the signed-out variant, which has no navigation. */
  onBack?: () => void;
  /** The organisation policy (policy:get); null while loading or outside the app. */
  policy?: PolicyView | null;
  /** The user's own environments changed (added, replaced or removed in Settings). */
  onProfilesChanged?: (profiles: Profiles) => void;
}

const LANGUAGE_NAMES: Record<LanguageSetting, MessageId> = {
  system: 'settings.language.system',
  en: 'settings.language.en',
  de: 'settings.language.de',
  'en-XA': 'settings.language.pseudo',
};
const THEMES: Array<{ value: 'system' | 'light' | 'dark'; label: MessageId }> = [
  { value: 'system', label: 'settings.theme.system' },
  { value: 'light', label: 'settings.theme.light' },
  { value: 'dark', label: 'settings.theme.dark' },
];

/**
 * Settings: language (the OS's, or an override), theme (system/light/dark: main sets
 * nativeTheme), the environments (read-only with "Managed by your organisation" for the
 * organisation's profiles), where the sign-in is kept, and About. Every change is saved by main
 * at once (settings:update) and comes back as the new settings.
 */
export function SettingsScreen(props: SettingsScreenProps) {
  const t = useT();
  const id = useId();
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const aboutRef = useRef<HTMLHeadingElement>(null);
  const { view, about } = props;

  useEffect(() => {
    if (props.focusAbout) aboutRef.current?.focus();
  }, [props.focusAbout]);

  // Own environments can change where the policy allows them and main offers the change.
  const canEdit = Boolean(props.onProfilesChanged) && props.policy?.userProfiles.allowed !== false;
  const [removeError, setRemoveError] = useState<UiError | null>(null);
  const remove = async (profileId: string) => {
    const result = await window.desktop.profiles.remove({ profileId });
    setRemoveError(result.ok ? null : result.error);
    if (result.ok) props.onProfilesChanged?.(result.value);
  };

  const languages = LANGUAGE_SETTINGS.filter(
    (l) => l !== PSEUDO_LOCALE || about?.isDevelopment || view?.settings.language === PSEUDO_LOCALE,
  );

  return (
    <section aria-labelledby="settings-heading" className="stack settings">
      <h2 id="settings-heading" tabIndex={-1} ref={headingRef}>
        {t('settings.heading')}
      </h2>
      {props.onBack ? (
        <div>
          <button type="button" className="link-button" onClick={props.onBack}>
            {t('settings.back')}
          </button>
        </div>
      ) : null}
      {view?.problem ? <ErrorNotice error={view.problem} context={t('settings.fileProblem')} /> : null}
      {props.saveError ? <ErrorNotice error={props.saveError} context={t('settings.notSaved')} /> : null}

      <section className="card stack" aria-labelledby={`${id}-appearance`}>
        <h3 id={`${id}-appearance`}>{t('settings.appearance')}</h3>
        <div className="field">
          <label htmlFor={`${id}-language`}>{t('settings.language')}</label>
          <select
            id={`${id}-language`}
            value={view?.settings.language ?? 'system'}
            disabled={!view}
            onChange={(e) => props.onChange({ language: e.target.value as LanguageSetting })}
          >
            {languages.map((l) => (
              <option key={l} value={l}>
                {t(LANGUAGE_NAMES[l])}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="radio-group">
          <legend>{t('settings.theme')}</legend>
          {THEMES.map((theme) => (
            <label key={theme.value} className="radio">
              <input
                type="radio"
                name={`${id}-theme`}
                value={theme.value}
                checked={(view?.settings.theme ?? 'system') === theme.value}
                disabled={!view}
                onChange={() => props.onChange({ theme: theme.value })}
              />
              {t(theme.label)}
            </label>
          ))}
        </fieldset>
        {view && !view.persisted ? <p className="hint">{t('settings.notPersisted')}</p> : null}
      </section>

      <section className="card stack" aria-labelledby={`${id}-profiles`}>
        <h3 id={`${id}-profiles`}>{t('settings.environments')}</h3>
        {props.profiles === null ? (
          <p className="muted">{t('signIn.loadingEnvironments')}</p>
        ) : props.profiles.profiles.length === 0 ? (
          <p className="empty">{t('settings.noEnvironments')}</p>
        ) : (
          <ul className="profile-list" data-testid="profile-list">
            {props.profiles.profiles.map((p) => (
              <li key={p.id} className="profile-row">
                <span className="profile-label">
                  <strong>{p.label}</strong> {p.demo ? <DemoBadge /> : null}
                  {p.id === props.profiles?.activeProfileId ? (
                    <span className="badge">{t('settings.active')}</span>
                  ) : null}
                </span>
                {p.managed ? (
                  <span className="muted small" data-testid="managed">
                    {t('settings.managed')}
                  </span>
                ) : canEdit ? (
                  <button type="button" className="link-button" onClick={() => void remove(p.id)}>
                    {t('settings.profiles.remove', { label: p.label })}
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {props.policy?.userProfiles.managed && !props.policy.userProfiles.allowed ? (
          <p className="muted small" data-testid="profiles-managed">
            {t('settings.managed')}
          </p>
        ) : (
          <p className="hint">{t('settings.environmentsHint')}</p>
        )}
        {removeError ? <ErrorNotice error={removeError} context={t('settings.profiles.notSaved')} /> : null}
        {canEdit ? <ProfileEditor onSaved={(next) => props.onProfilesChanged?.(next)} /> : null}
      </section>

      {props.policy && props.policy.sources.length > 0 ? <PolicySection policy={props.policy} /> : null}

      <section className="card stack" aria-labelledby={`${id}-storage`}>
        <h3 id={`${id}-storage`}>{t('session.storage')}</h3>
        <p data-testid="settings-storage">
          {props.storage === null
            ? '—'
            : props.storage.kind === 'keychain'
              ? t('settings.storage.keychain')
              : t('settings.storage.memory')}
        </p>
      </section>

      <section className="card stack" aria-labelledby="about-heading" data-testid="about">
        <h3 id="about-heading" tabIndex={-1} ref={aboutRef}>
          {t('about.heading', { name: about?.name ?? t('app.name') })}
        </h3>
        {about ? (
          <dl className="facts">
            <dt>{t('about.version')}</dt>
            <dd data-testid="about-version">{about.version}</dd>
            <dt>{t('about.electron')}</dt>
            <dd>{about.electron ?? t('about.notElectron')}</dd>
            <dt>{t('about.chromium')}</dt>
            <dd>{about.chromium ?? t('about.notElectron')}</dd>
            <dt>{t('about.node')}</dt>
            <dd>{about.node}</dd>
            <dt>{t('about.licence')}</dt>
            <dd data-i18n="raw">{about.licence}</dd>
            <dt>{t('about.build')}</dt>
            <dd>{about.isDevelopment ? t('about.development') : t('about.packaged')}</dd>
          </dl>
        ) : (
          <p className="muted">{t('common.loading')}</p>
        )}
      </section>
    </section>
  );
}

/** Each setting a policy can fix, its value in force, and "Managed by your organisation" where fixed. */
function PolicySection(props: { policy: PolicyView }) {
  const t = useT();
  const id = useId();
  const { policy } = props;
  const raw = (text: string) => (
    <span className="mono" data-i18n="raw">
      {text}
    </span>
  );
  const rows: Array<{ key: string; label: MessageId; managed: boolean; value: ReactNode }> = [
    {
      key: 'proxy',
      label: 'settings.policy.proxy',
      managed: policy.proxy.managed,
      value:
        policy.proxy.value === null
          ? t('settings.policy.notManaged')
          : policy.proxy.value === 'system'
            ? t('settings.policy.system')
            : raw(policy.proxy.value.url),
    },
    {
      key: 'updates',
      label: 'settings.policy.updates',
      managed: policy.updates.managed,
      value: !policy.updates.managed
        ? t('settings.policy.notManaged')
        : policy.updates.enabled === false
          ? t('settings.policy.off')
          : policy.updates.feedUrl
            ? raw(policy.updates.feedUrl)
            : t('settings.policy.on'),
    },
    {
      key: 'logLevel',
      label: 'settings.policy.logLevel',
      managed: policy.logLevel.managed,
      value: policy.logLevel.value === null ? t('settings.policy.notManaged') : raw(policy.logLevel.value),
    },
    {
      key: 'memoryOnlySignIn',
      label: 'settings.policy.memoryOnly',
      managed: policy.memoryOnlySignIn.managed,
      value: policy.memoryOnlySignIn.allowed ? t('settings.policy.allowed') : t('settings.policy.notAllowed'),
    },
  ];
  return (
    <section className="card stack" aria-labelledby={`${id}-policy`} data-testid="policy">
      <h3 id={`${id}-policy`}>{t('settings.policy.heading')}</h3>
      <dl className="facts">
        {rows.map((row) => (
          <Fragment key={row.key}>
            <dt>{t(row.label)}</dt>
            <dd data-testid={`policy-${row.key}`}>
              {row.value}
              {row.managed ? (
                <>
                  {' '}
                  <span className="badge" data-testid="managed">
                    {t('settings.managed')}
                  </span>
                </>
              ) : null}
            </dd>
          </Fragment>
        ))}
      </dl>
    </section>
  );
}
