import { pseudoLocalize, type Language } from '../../shared/languages';

/**
 * The application menu's words in each language. Main owns these (the renderer's catalogue is
 * not loaded in main); the pseudo-locale is derived from English, like the renderer's.
 */
const EN = {
  about: 'About {app}',
  settings: 'Settings…',
  services: 'Services',
  hide: 'Hide {app}',
  hideOthers: 'Hide Others',
  showAll: 'Show All',
  quit: 'Quit {app}',
  exit: 'Exit',
  file: 'File',
  signOut: 'Sign Out',
  closeWindow: 'Close Window',
  edit: 'Edit',
  undo: 'Undo',
  redo: 'Redo',
  cut: 'Cut',
  copy: 'Copy',
  paste: 'Paste',
  pasteAndMatchStyle: 'Paste and Match Style',
  delete: 'Delete',
  selectAll: 'Select All',
  view: 'View',
  reload: 'Reload',
  forceReload: 'Force Reload',
  toggleDevTools: 'Toggle Developer Tools',
  actualSize: 'Actual Size',
  zoomIn: 'Zoom In',
  zoomOut: 'Zoom Out',
  fullScreen: 'Toggle Full Screen',
  window: 'Window',
  minimize: 'Minimize',
  zoom: 'Zoom',
  bringAllToFront: 'Bring All to Front',
  help: 'Help',
  showLogsFolder: 'Show Logs Folder',
} as const;

export type MenuLabelKey = keyof typeof EN;

const DE: Record<MenuLabelKey, string> = {
  about: 'Über {app}',
  settings: 'Einstellungen …',
  services: 'Dienste',
  hide: '{app} ausblenden',
  hideOthers: 'Andere ausblenden',
  showAll: 'Alle einblenden',
  quit: '{app} beenden',
  exit: 'Beenden',
  file: 'Datei',
  signOut: 'Abmelden',
  closeWindow: 'Fenster schließen',
  edit: 'Bearbeiten',
  undo: 'Widerrufen',
  redo: 'Wiederholen',
  cut: 'Ausschneiden',
  copy: 'Kopieren',
  paste: 'Einsetzen',
  pasteAndMatchStyle: 'Einsetzen und Stil anpassen',
  delete: 'Löschen',
  selectAll: 'Alles auswählen',
  view: 'Darstellung',
  reload: 'Neu laden',
  forceReload: 'Neu laden erzwingen',
  toggleDevTools: 'Entwicklerwerkzeuge ein/aus',
  actualSize: 'Originalgröße',
  zoomIn: 'Vergrößern',
  zoomOut: 'Verkleinern',
  fullScreen: 'Vollbild ein/aus',
  window: 'Fenster',
  minimize: 'Im Dock ablegen',
  zoom: 'Zoomen',
  bringAllToFront: 'Alle nach vorne bringen',
  help: 'Hilfe',
  showLogsFolder: 'Protokollordner anzeigen',
};

export function menuLabel(language: Language, key: MenuLabelKey, appName: string): string {
  const template = language === 'de' ? DE[key] : language === 'en-XA' ? pseudoLocalize(EN[key]) : EN[key];
  return template.replace('{app}', appName);
}
