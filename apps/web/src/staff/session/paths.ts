import { paths } from '../../paths';

/** The URL path of the vaccination-session area below /quan-tri (see STAFF_AREAS). */
export const SESSION_PATH = 'buoi-tiem';

const base = `${paths.staffHome}/${SESSION_PATH}`;
const enc = encodeURIComponent;

/** URLs of the session screens (Vietnamese slugs). */
export const sessionPaths = {
  list: base,
  board: (sessionId: string) => `${base}/${enc(sessionId)}`,
  visit: (sessionId: string, visitId: string) => `${base}/${enc(sessionId)}/luot/${enc(visitId)}`,
  close: (sessionId: string) => `${base}/${enc(sessionId)}/ket-thuc`,
} as const;

/** Router state of the board: the card to focus and what to announce after a step. */
export interface BoardState {
  focusVisit?: string;
  announce?: string;
}
