import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from 'react';

const AnnounceContext = createContext<(text: string) => void>(() => {});

/**
 * One polite live region for the whole area: what just happened ("Đã tiếp nhận …", "Đã đồng bộ
 * xong") is read out by screen readers without moving the focus. The same text twice is read twice.
 */
export function AnnouncerProvider({ children }: { children: ReactNode }) {
  const [text, setText] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const announce = useCallback((next: string) => {
    clearTimeout(timer.current);
    setText('');
    timer.current = setTimeout(() => setText(next), 60);
  }, []);
  useEffect(() => () => clearTimeout(timer.current), []);
  return (
    <AnnounceContext value={announce}>
      {children}
      <p className="visually-hidden" role="status" data-announcer="">
        {text}
      </p>
    </AnnounceContext>
  );
}

export function useAnnounce(): (text: string) => void {
  return useContext(AnnounceContext);
}
