import type { AboutInfo, AppCommand } from '../../shared/ipc-contract';
import { resolveLanguage, type Language } from '../../shared/languages';
import { createSettingsStore, type SettingsStore } from './settings-store';

/**
 * What the desktop-UI channels need from main: the settings store, the OS languages, the About
 * facts, and a command bus from the application menu to the window. No Electron here: index.ts
 * passes app.getPreferredSystemLanguages(), process.versions and app.getVersion() in.
 *
 * `language()` is the one resolved language (Settings override, else the OS), used by the menu,
 * the Hosted UI's `lang` and, through the same rule in the renderer, every screen.
 */
export interface UiServices {
  settings: SettingsStore;
  preferredSystemLanguages(): string[];
  about(): AboutInfo;
  language(): Language;
  /** The menu asks the window to do something (open Settings, show About, sign out). */
  sendCommand(command: AppCommand['command']): void;
  onCommand(listener: (command: AppCommand) => void): () => void;
}

export interface UiServicesOptions {
  /** Omitted: settings live in memory only. */
  settingsFile?: string;
  preferredSystemLanguages?: () => string[];
  about?: Partial<AboutInfo>;
}

export function createUiServices(options: UiServicesOptions = {}): UiServices {
  const settings = createSettingsStore(options.settingsFile ? { file: options.settingsFile } : {});
  const listeners = new Set<(command: AppCommand) => void>();
  const preferred = () => {
    try {
      return (options.preferredSystemLanguages?.() ?? []).slice(0, 32).map((tag) => String(tag).slice(0, 64));
    } catch {
      return [];
    }
  };
  const about: AboutInfo = {
    name: 'Cognito Desktop',
    version: '0.0.0',
    electron: null,
    chromium: null,
    node: process.versions.node,
    licence: 'MIT',
    isDevelopment: true,
    ...options.about,
  };
  return {
    settings,
    preferredSystemLanguages: preferred,
    about: () => ({ ...about }),
    language: () => resolveLanguage(settings.get().settings.language, preferred()),
    sendCommand(command) {
      for (const listener of [...listeners]) listener({ command });
    },
    onCommand(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
