import { useId, useState, type FormEvent } from 'react';
import type { Profiles } from '../../../shared/ipc-contract';
import type { UiError } from '../api-call';
import { useT, type MessageId } from '../i18n';
import { ErrorNotice } from './ErrorNotice';

/**
 * Adding one of the user's own environments (profiles.json) from Settings, where policy allows.
 * Main validates the profile with the profile file's schema and names the field it refuses; this
 * form only collects the fields and shows main's answer. Saving an existing id replaces that
 * profile (how an entry is edited). No client secret field: a desktop app client has none.
 */
const FIELDS = ['id', 'label', 'region', 'userPoolId', 'clientId', 'domain', 'scopes', 'redirect'] as const;
type Field = (typeof FIELDS)[number];
const EMPTY: Record<Field, string> = {
  id: '',
  label: '',
  region: '',
  userPoolId: '',
  clientId: '',
  domain: '',
  scopes: 'openid email profile',
  redirect: '',
};

export function ProfileEditor(props: { onSaved: (profiles: Profiles) => void }) {
  const t = useT();
  const id = useId();
  const [values, setValues] = useState(EMPTY);
  const [error, setError] = useState<UiError | null>(null);
  const [saved, setSaved] = useState('');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved('');
    const result = await window.desktop.profiles.save({
      profile: {
        id: values.id.trim(),
        label: values.label.trim(),
        region: values.region.trim(),
        userPoolId: values.userPoolId.trim(),
        clientId: values.clientId.trim(),
        domain: values.domain.trim(),
        scopes: values.scopes.split(/\s+/).filter(Boolean),
        redirect: { loopback: [values.redirect.trim()], prefer: 'loopback' },
        apis: [],
      },
    });
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setError(null);
    setSaved(t('settings.profiles.saved', { label: values.label.trim() }));
    setValues(EMPTY);
    props.onSaved(result.value);
  };

  return (
    <details className="profile-editor">
      <summary>{t('settings.profiles.add')}</summary>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        {FIELDS.map((field) => (
          <div className="field" key={field}>
            <label htmlFor={`${id}-${field}`}>{t(`settings.profiles.field.${field}` as MessageId)}</label>
            <input
              id={`${id}-${field}`}
              value={values[field]}
              required
              spellCheck={false}
              onChange={(e) => setValues({ ...values, [field]: e.target.value })}
            />
          </div>
        ))}
        <div>
          <button type="submit" className="primary">
            {t('settings.profiles.save')}
          </button>
        </div>
        {error ? <ErrorNotice error={error} context={t('settings.profiles.notSaved')} /> : null}
        <p role="status" className="hint">
          {saved}
        </p>
      </form>
    </details>
  );
}
