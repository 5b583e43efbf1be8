/** "4:05" for 245 s, "1:02:03" past an hour; never negative. Digits only: the same in every language. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const ss = String(seconds).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}` : `${minutes}:${ss}`;
}

/**
 * A countdown to `msUntil` from now: rounded up to the second, so it reads 0:01 until the moment
 * has come and never shows 0:00 while there is still time to wait.
 */
export function formatCountdown(msUntil: number): string {
  return formatDuration(Math.ceil(Math.max(0, msUntil) / 1000) * 1000);
}
