import { useEffect, useRef } from 'react';

/**
 * Moves keyboard and screen-reader focus to the element (usually a screen's heading, with
 * tabIndex -1) when the screen appears, so a screen change is announced and Tab starts there.
 */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}
