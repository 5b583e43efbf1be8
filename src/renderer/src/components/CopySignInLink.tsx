import { useState } from 'react';
import { useT } from '../i18n';

/**
 * "Copy sign-in link" on the waiting screen: when the browser never comes back (an odd default
 * browser, a declined "open app?" prompt), the user pastes the pending attempt's authorize URL
 * into another browser and finishes the same attempt there. The link holds no secret (the PKCE
 * verifier stays in main). It is also shown, selected, in case the clipboard is not available.
 */
export function CopySignInLink() {
  const t = useT();
  const [link, setLink] = useState<string | null>(null);
  const [status, setStatus] = useState('');

  const copy = async () => {
    const result = await window.desktop.auth.signInLink();
    if (!result.ok || result.value === null) {
      setStatus(t('signInLink.none'));
      return;
    }
    setLink(result.value.url);
    try {
      await navigator.clipboard.writeText(result.value.url);
      setStatus(t('signInLink.copied'));
    } catch {
      setStatus(t('signInLink.manual'));
    }
  };

  return (
    <div className="copy-sign-in-link">
      <button type="button" className="link-button" onClick={() => void copy()}>
        {t('signInLink.copy')}
      </button>
      {link ? (
        <input
          aria-label={t('signInLink.field')}
          readOnly
          value={link}
          onFocus={(event) => event.currentTarget.select()}
        />
      ) : null}
      <p className="hint" aria-live="polite">
        {status}
      </p>
    </div>
  );
}
