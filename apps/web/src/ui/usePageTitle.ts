import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigationType } from 'react-router';

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

  useEffect(() => {
    document.title = title === appName ? title : `${title} · ${appName}`;
  }, [title, appName]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the page is first shown
  useEffect(() => {
    if (navigationType !== 'POP') headingRef.current?.focus();
  }, []);

  return headingRef;
}
