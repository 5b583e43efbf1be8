import { createContext, useContext } from 'react';
import type { UiError } from './api-call';

/** What every screen may ask of the app shell. */
export interface AppActions {
  /** An API call said the session is gone: show sign-in, keep the user's place. */
  onSessionLost: (error: UiError) => void;
  /** Say something in the polite live region (e.g. "Note saved"). */
  announce: (message: string) => void;
}

export const AppActionsContext = createContext<AppActions>({
  onSessionLost: () => undefined,
  announce: () => undefined,
});

export function useAppActions(): AppActions {
  return useContext(AppActionsContext);
}
