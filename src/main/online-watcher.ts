/**
 * Electron's main process has no "online" event, only net.isOnline(). A slow poll turns its
 * offline -> online transitions into one callback each, so a session that went offline retries at
 * once when the network returns instead of waiting out its backoff.
 */
export interface OnlineWatcherOptions {
  isOnline: () => boolean;
  onOnline: () => void;
  intervalMs?: number;
}

export function startOnlineWatcher(options: OnlineWatcherOptions): () => void {
  let wasOnline = safe(options.isOnline);
  const timer = setInterval(() => {
    const online = safe(options.isOnline);
    if (online && !wasOnline) options.onOnline();
    wasOnline = online;
  }, options.intervalMs ?? 5000);
  // Never keeps the process alive on its own.
  timer.unref?.();
  return () => clearInterval(timer);
}

function safe(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return true;
  }
}
