import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { useSettings } from './hooks/use-settings';
import { I18nProvider } from './i18n';
import { sendStartReads } from './start-reads';
import './styles.css';

/** Settings (language, theme) sit above everything: every screen renders in the chosen language. */
function Root() {
  const settings = useSettings();
  return (
    <I18nProvider language={settings.language}>
      <App settings={settings} />
    </I18nProvider>
  );
}

// Main answers the start reads while React renders (start-reads.ts).
sendStartReads();
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <Root />
    </StrictMode>,
  );
}
