import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot, hydrateRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App';
import { hasSessionHint } from './auth/api';
import { currentLanguage, DEFAULT_LANGUAGE } from './i18n';
import { createQueryClient } from './queryClient';
import './ui/styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('#root element missing from index.html');

// The service worker makes the app load without network after a first visit (vaccination sites
// with poor connectivity). Production builds only: in development Vite serves modules live.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((error: unknown) => {
      console.warn('Service worker not registered; the app will need the network to load', error);
    });
  });
}

const app = (
  <StrictMode>
    <QueryClientProvider client={createQueryClient()}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>
);

/**
 * The public pages come pre-rendered (`<div id="root" data-page="/tra-cuu">…`, see
 * src/prerender.tsx): shown before this script runs, then hydrated — React takes over the HTML
 * in place, keeping it on screen while the page's own chunk loads. Only when the HTML is what this
 * visit would render: the same path, no query, Vietnamese, nobody signed in on this browser.
 * Otherwise (the bare shell `app.html`, English, a staff member) React renders afresh.
 */
const page = container.dataset.page;
const hydratable =
  page !== undefined &&
  page === window.location.pathname &&
  window.location.search === '' &&
  currentLanguage() === DEFAULT_LANGUAGE &&
  !hasSessionHint();

if (hydratable) {
  hydrateRoot(container, app, {
    // A difference found while hydrating (e.g. a trust list already stored on this device): React
    // renders that part afresh, which is all that is needed.
    onRecoverableError: (error) => console.warn('Pre-rendered page re-rendered:', error),
  });
} else {
  createRoot(container).render(app);
}
