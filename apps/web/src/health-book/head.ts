import { useEffect } from 'react';
import { BOOK_APPLE_TOUCH_ICON, BOOK_MANIFEST } from './paths';

/**
 * The book is an app of its own on the home screen: while it is shown, the page links the book's
 * web manifest (name, `/so-suc-khoe` as start and scope, PNG icons) instead of the platform's, and
 * carries the iOS home-screen tags (icon, standalone, title). Its pre-rendered HTML has them
 * already (the same tags, in vite.config.ts); this puts them in place when the book is reached by a client-side
 * navigation or from the bare shell, and puts the page's own back when the book is left.
 */
const TAGS: readonly { selector: string; tag: 'link' | 'meta'; attrs: Record<string, string> }[] = [
  { selector: 'link[rel="manifest"]', tag: 'link', attrs: { rel: 'manifest', href: BOOK_MANIFEST } },
  {
    selector: 'link[rel="apple-touch-icon"]',
    tag: 'link',
    attrs: { rel: 'apple-touch-icon', href: BOOK_APPLE_TOUCH_ICON },
  },
  {
    selector: 'meta[name="apple-mobile-web-app-capable"]',
    tag: 'meta',
    attrs: { name: 'apple-mobile-web-app-capable', content: 'yes' },
  },
  {
    selector: 'meta[name="mobile-web-app-capable"]',
    tag: 'meta',
    attrs: { name: 'mobile-web-app-capable', content: 'yes' },
  },
  {
    selector: 'meta[name="apple-mobile-web-app-title"]',
    tag: 'meta',
    attrs: { name: 'apple-mobile-web-app-title', content: 'Sổ sức khỏe' },
  },
];

export function useBookHead(): void {
  useEffect(() => {
    const undo: (() => void)[] = [];
    for (const { selector, tag, attrs } of TAGS) {
      const existing = document.head.querySelector<HTMLElement>(selector);
      if (existing) {
        const before = Object.fromEntries(Object.keys(attrs).map((a) => [a, existing.getAttribute(a)]));
        for (const [a, v] of Object.entries(attrs)) existing.setAttribute(a, v);
        undo.push(() => {
          for (const [a, v] of Object.entries(before)) {
            if (v === null) existing.removeAttribute(a);
            else existing.setAttribute(a, v);
          }
        });
      } else {
        const element = document.createElement(tag);
        for (const [a, v] of Object.entries(attrs)) element.setAttribute(a, v);
        document.head.append(element);
        undo.push(() => element.remove());
      }
    }
    return () => {
      for (const u of undo.reverse()) u();
    };
  }, []);
}
