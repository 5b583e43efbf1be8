import { useState } from 'react';

/**
 * "Copy sign-in link" on the waiting screen: when the browser never comes back (an odd default
 * browser, a declined "open app?" prompt), the user pastes the pending attempt's authorize URL
 * into another browser and finishes the same attempt there. The link holds no secret (the PKCE
 * verifier stays in main). It is also shown, selected, in case the clipboard is not available.
 */
export function CopySignInLink() {
  const [link, setLink] = useState<string | null>(null);
  const [status, setStatus] = useState('');

  const copy = async () => {
    const result = await window.desktop.auth.signInLink();
    if (!result.ok || result.value === null) {
      setStatus('No sign-in is waiting any more.');
      return;
    }
    setLink(result.value.url);
    try {
      await navigator.clipboard.writeText(result.value.url);
      setStatus('Sign-in link copied. Paste it into another browser to continue there.');
    } catch {
      setStatus('Copy the link below and paste it into another browser.');
    }
  };

  return (
    <div className="copy-sign-in-link">
      <button type="button" className="link-button" onClick={() => void copy()}>
        Copy sign-in link
      </button>
      {link ? (
        <input
          aria-label="Sign-in link"
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
