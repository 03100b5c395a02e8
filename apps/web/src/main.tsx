import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import './i18n';
import { App } from './App';
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

createRoot(container).render(
  <StrictMode>
    <QueryClientProvider client={createQueryClient()}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
