import { app } from 'electron';
import path from 'node:path';
import { APP_SCHEME, findDeepLinkInArgv } from './deep-link';

/**
 * Electron glue: where the OS hands the app a deep link. This registers the app as the handler
 * of its scheme and passes every link, from whichever route, to `deliver` (parsing and matching
 * are in deep-link.ts and app/deep-links.ts). Called before `ready`: macOS may deliver the link
 * that launched the app before it.
 */
export interface DeepLinkRoutes {
  deliver(raw: string): void;
  /** A link (or a second launch) brings the window to the front. */
  focusWindow(): void;
}

function registerProtocolClient(): void {
  // In development Electron runs as `electron <app path>`: the OS must relaunch it the same way.
  if (process.defaultApp) {
    const appPath = process.argv[1];
    if (appPath) app.setAsDefaultProtocolClient(APP_SCHEME, process.execPath, [path.resolve(appPath)]);
  } else {
    app.setAsDefaultProtocolClient(APP_SCHEME);
  }
}

export function listenForDeepLinks(routes: DeepLinkRoutes): void {
  registerProtocolClient();
  // macOS: the link arrives as an event, possibly before `ready`.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    routes.deliver(url);
    routes.focusWindow();
  });
  // Windows/Linux: a second launch (the OS opening a deep link) lands here, in the first instance.
  app.on('second-instance', (_event, argv) => {
    const link = findDeepLinkInArgv(argv);
    if (link) routes.deliver(link);
    routes.focusWindow();
  });
  // Windows/Linux cold start: the link that launched us is in our own argv.
  const coldStartLink = findDeepLinkInArgv(process.argv);
  if (coldStartLink) routes.deliver(coldStartLink);
}
