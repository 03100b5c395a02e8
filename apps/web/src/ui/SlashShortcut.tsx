import { useSyncExternalStore } from 'react';
import './slash-shortcut.css';

/**
 * The single-key "/" shortcut (to a page's search field: the session board's check-in, the report
 * queue's tracking-code field) can be turned off (WCAG 2.1.4, character key shortcuts): a speech
 * input user saying a word with "/" in it, or a keyboard with a dead key there, would otherwise
 * be sent to the field. One setting for the whole app, remembered on this browser (localStorage).
 */
const STORAGE_KEY = 'tiemchung.shortcuts.slash';

const listeners = new Set<() => void>();
/** The setting when the browser keeps nothing (private mode, storage full): for this page's life. */
let unsaved: boolean | null = null;

function read(): boolean {
  if (unsaved !== null) return unsaved;
  try {
    return window.localStorage.getItem(STORAGE_KEY) !== 'off';
  } catch {
    return true;
  }
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab changed it.
  const onStorage = (event: StorageEvent) => {
    if (event.key === STORAGE_KEY) listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

/** Whether "/" goes to the search field (read at the moment of the key press). */
export function slashShortcutOn(): boolean {
  return read();
}

export function setSlashShortcut(on: boolean): void {
  try {
    if (on) window.localStorage.removeItem(STORAGE_KEY);
    else window.localStorage.setItem(STORAGE_KEY, 'off');
    unsaved = null;
  } catch {
    unsaved = on;
  }
  for (const listener of listeners) listener();
}

export function useSlashShortcut(): boolean {
  return useSyncExternalStore(subscribe, read, () => true);
}

/** The check box that turns the "/" shortcut on and off, shown with the page's list of shortcuts. */
export function SlashShortcutSwitch({ label }: { label: string }) {
  const on = useSlashShortcut();
  return (
    <label className="slash-shortcut">
      <input
        type="checkbox"
        className="slash-shortcut__input"
        checked={on}
        onChange={(event) => setSlashShortcut(event.target.checked)}
      />
      <span>{label}</span>
    </label>
  );
}
