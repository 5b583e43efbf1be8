import type { MessageId } from './i18n/en';
import { english } from './i18n/english';

/** "4:05" for 245 s, "1:02:03" past an hour; never negative. Digits only: the same in every language. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const ss = String(seconds).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}` : `${minutes}:${ss}`;
}

/** "in 1:05", or "now" once the moment has come (a retry that is due or running). */
export function formatRetry(
  msUntil: number,
  t: (id: MessageId, values?: Record<string, string | number>) => string = english,
): string {
  return msUntil > 500 ? t('time.inDuration', { duration: formatDuration(msUntil) }) : t('time.now');
}
