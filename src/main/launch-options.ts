/**
 * Decisions the composition root (index.ts) makes about the process itself, kept out of the
 * Electron glue so they are tested in plain Node.
 *
 *  - refusedDebugSwitch(argv, { packaged }): a packaged app must not start with a switch that
 *    lets another local process drive it: `--remote-debugging-port`, `--remote-debugging-pipe`
 *    (Chrome DevTools Protocol: script the window, so `window.desktop.api` with the user's
 *    session) or `--js-flags` (V8 flags, e.g. a debugger or allow-natives-syntax). The fuses
 *    already turn off `--inspect` and NODE_OPTIONS; these are Chromium's. Returns the switch
 *    found, or undefined. Development builds keep them.
 *    Chromium accepts a switch with `--` or `-` (and `/` on Windows), any case on Windows, with
 *    its value after `=` or as the next argument; all of these are recognised.
 *  - settleWithin(promise, ms): the quit path waits for the services' dispose (a refresh already
 *    sent may still be saving its rotated refresh token) but never longer than `ms`.
 */
export const REFUSED_DEBUG_SWITCHES = ['remote-debugging-port', 'remote-debugging-pipe', 'js-flags'] as const;

/** How long quitting waits for dispose: the session's own bound (request timeout + keychain) plus slack. */
export const QUIT_DISPOSE_WAIT_MS = 20_000;

function switchName(arg: string, windows: boolean): string | undefined {
  const match = (windows ? /^(?:--|-|\/)([^=]+)/ : /^(?:--|-)([^=]+)/).exec(arg);
  if (!match?.[1]) return undefined;
  return windows ? match[1].toLowerCase() : match[1];
}

export function refusedDebugSwitch(
  argv: readonly string[],
  options: { packaged: boolean; platform?: NodeJS.Platform },
): (typeof REFUSED_DEBUG_SWITCHES)[number] | undefined {
  if (!options.packaged) return undefined;
  const windows = (options.platform ?? process.platform) === 'win32';
  // argv[0] is the executable; everything after it is looked at, even past a bare `--`.
  for (const arg of argv.slice(1)) {
    const name = switchName(arg, windows);
    const refused = REFUSED_DEBUG_SWITCHES.find((candidate) => candidate === name);
    if (refused) return refused;
  }
  return undefined;
}

/** Resolves when `promise` settles or after `ms`, whichever comes first; never rejects. */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<'settled' | 'timeout'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  const settled = promise.then(
    () => 'settled' as const,
    () => 'settled' as const,
  );
  const outcome = await Promise.race([settled, timeout]);
  clearTimeout(timer);
  return outcome;
}
