import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { prerender } from 'react-dom/static';
import { StaticRouter } from 'react-router';
import './i18n';
import { App } from './App';
import { createQueryClient } from './queryClient';
import { prerenderedTitle } from './ui/usePageTitle';

/**
 * Build-time rendering of the public pages (apps/web/build/prerender.ts runs this module in Node
 * after the client build): each page's HTML as a first visit shows it — in Vietnamese, signed out,
 * with no data — so that a phone paints the page before any JavaScript has run; main.tsx then
 * hydrates it. The tree is main.tsx's, with a static router instead of the browser's.
 */
export async function renderPage(url: string): Promise<{ html: string; title: string | null }> {
  prerenderedTitle.current = null;
  // A first visit is online: Node's navigator has no onLine, which pages read while rendering.
  if (typeof navigator !== 'undefined' && !('onLine' in navigator)) {
    Object.defineProperty(navigator, 'onLine', { value: true, configurable: true });
  }
  const errors: unknown[] = [];
  const { prelude } = await prerender(
    <StrictMode>
      <QueryClientProvider client={createQueryClient()}>
        <StaticRouter location={url}>
          <App />
        </StaticRouter>
      </QueryClientProvider>
    </StrictMode>,
    {
      onError: (error) => void errors.push(error),
      // Every boundary in place, however large: a boundary React moves out of line is revealed by an
      // inline script, which the Content Security Policy (script-src 'self') would block.
      progressiveChunkSize: Number.MAX_SAFE_INTEGER,
    },
  );
  const html = await new Response(prelude).text();
  if (errors.length > 0) throw new AggregateError(errors, `pre-rendering ${url} failed`);
  if (/<script[\s>]|<template/.test(html))
    throw new Error(`pre-rendering ${url} gave inline scripts, which the CSP blocks`);
  return { html, title: prerenderedTitle.current };
}
