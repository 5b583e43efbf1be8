import { Notification } from 'electron';
import type { SessionEndNotifier } from './app/session-end-notice';

/**
 * Glue only: the session-end notice (app/session-end-notice.ts) as an Electron Notification. The
 * action is a button where the OS shows one (macOS) and the notification's click everywhere, so
 * Windows and Linux users reach "Sign in again" too. Where notifications are unsupported, the
 * Home screen's "Session ends at ..." and its button still say it.
 */
export const electronNotifier: SessionEndNotifier = {
  show(notice, onAction) {
    if (!Notification.isSupported()) return { close: () => undefined };
    const n = new Notification({
      title: notice.title,
      body: notice.body,
      actions: [{ type: 'button', text: notice.action }],
      timeoutType: 'never',
    });
    let acted = false;
    const act = () => {
      if (acted) return;
      acted = true;
      onAction();
    };
    n.on('action', act);
    n.on('click', act);
    n.show();
    return { close: () => n.close() };
  },
};
