import { useCallback, useRef } from 'react';

type Focusable = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/**
 * Refs for the fields of a form, to move focus to the first invalid one: `ref(field)` goes on the
 * control (for a radio group, on its first radio), `focusFirst(order, errors)` focuses.
 */
export function useFieldFocus<F extends string>() {
  const elements = useRef(new Map<F, Focusable>());
  const callbacks = useRef(new Map<F, (el: Focusable | null) => void>());

  const ref = useCallback((field: F) => {
    let callback = callbacks.current.get(field);
    if (!callback) {
      callback = (el: Focusable | null) => {
        if (el) elements.current.set(field, el);
        else elements.current.delete(field);
      };
      callbacks.current.set(field, callback);
    }
    return callback;
  }, []);

  const focus = useCallback((field: F) => {
    const el = elements.current.get(field);
    if (!el) return false;
    el.focus();
    el.scrollIntoView?.({ block: 'center' });
    return true;
  }, []);

  const focusFirst = useCallback(
    (order: readonly F[], errors: Partial<Record<F, unknown>>) => {
      for (const field of order) if (errors[field] && focus(field)) return;
    },
    [focus],
  );

  return { ref, focus, focusFirst };
}
