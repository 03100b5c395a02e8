import { useSyncExternalStore } from 'react';

/**
 * One shared clock for live countdowns: every subscriber re-renders once a second, on the second
 * (one timer for the whole page, however many countdowns are shown; none when nobody listens).
 */
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setTimeout> | undefined;

function schedule(): void {
  // Wake just after the next whole second so every countdown changes together.
  timer = setTimeout(tick, 1_000 - (Date.now() % 1_000) + 5);
}

function tick(): void {
  now = Date.now();
  for (const listener of listeners) listener();
  schedule();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (listeners.size === 1) {
    now = Date.now();
    schedule();
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
  };
}

const snapshot = () => now;

/** The current time in milliseconds, updated every second while the component is mounted. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}
