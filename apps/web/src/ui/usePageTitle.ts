import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigationType } from 'react-router';

/** The title of the page being pre-rendered (build time only, see src/prerender.tsx). */
export const prerenderedTitle: { current: string | null } = { current: null };

/**
 * Sets the document title for a page and, after an in-app navigation (not on the first page of a
 * visit nor on back/forward), moves focus to the page heading so screen-reader and keyboard users
 * start at the new content. Returns the ref to put on the page's `<h1 tabIndex={-1}>`.
 */
export function usePageTitle(title: string) {
  const { t } = useTranslation();
  const navigationType = useNavigationType();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const appName = t('app.name');
  const fullTitle = title === appName ? title : `${title} · ${appName}`;
  // Pre-rendering runs no effect: the page's title is handed over here instead.
  if (import.meta.env.SSR) prerenderedTitle.current = fullTitle;

  useEffect(() => {
    document.title = fullTitle;
  }, [fullTitle]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the page is first shown
  useEffect(() => {
    if (navigationType !== 'POP') headingRef.current?.focus();
  }, []);

  return headingRef;
}
