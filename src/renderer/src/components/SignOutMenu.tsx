import { useEffect, useId, useRef, useState } from 'react';
import { useT } from '../i18n';

/**
 * A disclosure (button + revealed choices) rather than an ARIA menu: two plain buttons are
 * easier to reach with every assistive technology, and Escape closes it and returns focus.
 */
export function SignOutMenu(props: {
  username: string;
  busy: boolean;
  onSignOut: (endHostedUiSession: boolean) => void;
  /** Present when the profile uses Cognito managed login 2: opens /passkeys/add in the browser. */
  onAddPasskey?: () => void;
  /** "Sign out everywhere" (GlobalSignOut); absent: not offered. */
  onSignOutEverywhere?: () => void;
}) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const toggleRef = useRef<HTMLButtonElement>(null);
  const firstRef = useRef<HTMLButtonElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (open) firstRef.current?.focus();
  }, [open]);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (rootRef.current && !rootRef.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const close = () => {
    setOpen(false);
    toggleRef.current?.focus();
  };

  return (
    <div
      className="menu"
      ref={rootRef}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && open) {
          event.stopPropagation();
          close();
        }
      }}
    >
      <button
        ref={toggleRef}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((value) => !value)}
      >
        {props.username} <span aria-hidden="true">▾</span>
        <span className="visually-hidden"> {t('account.menu')}</span>
      </button>
      <div id={panelId} className="menu-panel" hidden={!open}>
        {props.onAddPasskey ? (
          <button
            type="button"
            onClick={() => {
              setOpen(false);
              props.onAddPasskey?.();
            }}
          >
            {t('account.addPasskey')}
          </button>
        ) : null}
        <button
          ref={firstRef}
          type="button"
          disabled={props.busy}
          onClick={() => {
            setOpen(false);
            props.onSignOut(false);
          }}
        >
          {t('account.signOut')}
        </button>
        <button
          type="button"
          disabled={props.busy}
          aria-describedby={`${panelId}-forget`}
          onClick={() => {
            setOpen(false);
            props.onSignOut(true);
          }}
        >
          {t('account.signOutForget')}
        </button>
        <p id={`${panelId}-forget`} className="hint">
          {t('account.signOutForget.hint')}
        </p>
        {props.onSignOutEverywhere ? (
          <>
            <button
              type="button"
              disabled={props.busy}
              aria-describedby={`${panelId}-everywhere`}
              onClick={() => {
                setOpen(false);
                props.onSignOutEverywhere?.();
              }}
            >
              {t('account.signOutEverywhere')}
            </button>
            <p id={`${panelId}-everywhere`} className="hint">
              {t('account.signOutEverywhere.hint')}
            </p>
          </>
        ) : null}
      </div>
    </div>
  );
}
