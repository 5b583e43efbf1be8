/**
 * The renderer-start bench's baseline: the least a React 19 screen with one button costs to start
 * (react-dom's createRoot, one render, a click handler), built by the project's own renderer build
 * settings (electron.vite.config.ts) so both pages go through the same compiler, target and minifier.
 */
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';

function Screen() {
  const [clicks, setClicks] = useState(0);
  return (
    <main>
      <h1>Sign in</h1>
      <button type="button" onClick={() => setClicks((n) => n + 1)}>
        Sign in {clicks > 0 ? clicks : ''}
      </button>
    </main>
  );
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <Screen />
    </StrictMode>,
  );
}
