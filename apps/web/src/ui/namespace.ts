import { use, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { i18n, LANGUAGES, type Language } from '../i18n';

type Join<P extends string, K extends string> = P extends '' ? K : `${P}.${K}`;
type PluralSuffix = 'zero' | 'one' | 'two' | 'few' | 'many' | 'other';
type WithoutPlural<K extends string> = K extends `${infer Base}_${PluralSuffix}` ? Base : K;

/** The dotted keys of a resource file (`a.b.c`), plural suffixes (`_one`, `_other`) removed. */
export type KeysOf<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string
    ? Join<P, WithoutPlural<K>>
    : T[K] extends object
      ? KeysOf<T[K], Join<P, K>>
      : never;
}[keyof T & string];

/** A `t` bound to one namespace and its keys. */
export type NamespaceT<Key extends string> = (key: Key, options?: Record<string, unknown>) => string;

/** The strings of one language: the object itself, or a loader of its own chunk (`() => import('./en.json')`). */
export type NamespaceResources = object | (() => Promise<{ default: object }>);

const loaders = new Map<string, () => Promise<{ default: object }>>();
const loading = new Map<string, Promise<void>>();

/**
 * Adds a namespace of translations to the app's i18next instance (once), so that a lazily loaded
 * part of the app carries its own strings instead of growing the main bundle. Call it at the top
 * level of a module of that part. A language given as a loader is fetched the first time the page
 * is shown in that language ({@link useNamespaceT} suspends meanwhile), so Vietnamese visitors do
 * not download the English strings.
 */
export function addNamespace(ns: string, resources: Readonly<Record<Language, NamespaceResources>>): void {
  for (const lang of LANGUAGES) {
    const strings = resources[lang];
    if (typeof strings === 'function') loaders.set(`${lang}/${ns}`, strings as () => Promise<{ default: object }>);
    else if (!i18n.hasResourceBundle(lang, ns)) i18n.addResourceBundle(lang, ns, strings, true, true);
  }
}

/** A promise settled once the namespace's strings of `lang` are there (null when they are already). */
function stringsOf(lang: string, ns: string): Promise<void> | null {
  if (i18n.hasResourceBundle(lang, ns)) return null;
  const key = `${lang}/${ns}`;
  const load = loaders.get(key);
  if (!load) return null;
  let promise = loading.get(key);
  if (!promise) {
    promise = load().then(
      (module) => {
        i18n.addResourceBundle(lang, ns, module.default, true, true);
      },
      (error: unknown) => {
        // Not loaded (offline before the chunk was cached): the fallback language shows instead.
        console.warn(`Strings ${key} not loaded`, error);
      },
    );
    loading.set(key, promise);
  }
  return promise;
}

/**
 * The `t` of one namespace added with {@link addNamespace}, typed by its keys; re-renders the
 * component when the language changes (like `useTranslation`), suspending while the strings of a
 * lazily loaded language arrive.
 */
export function useNamespaceT<Key extends string>(ns: string): NamespaceT<Key> {
  const { i18n: instance } = useTranslation();
  const lang = instance.resolvedLanguage ?? instance.language;
  const pending = stringsOf(lang, ns);
  if (pending) use(pending);
  return useMemo(() => {
    // The app's typed i18next knows only the main namespace; this one is typed by `Key` instead.
    const getFixedT = instance.getFixedT.bind(instance) as unknown as (
      lng: string,
      ns: string,
    ) => (key: string, options?: object) => string;
    const fixed = getFixedT(lang, ns);
    return (key, options) => fixed(key, options);
  }, [instance, lang, ns]);
}
