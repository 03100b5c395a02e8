import { useSyncExternalStore } from 'react';

const subscribe = () => () => undefined;

/**
 * False while React renders a page in Node (the build's pre-rendering) and while it hydrates that
 * HTML in the browser; true from then on, and from the first render of a page rendered in the
 * browser (no extra render there).
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
