import { paths } from '../../paths';
import type { PersonFormValues } from './validation';

/** The URL path of the reception area below /quan-tri (see STAFF_AREAS). */
export const RECEPTION_PATH = 'tiep-don';

const base = `${paths.staffHome}/${RECEPTION_PATH}`;

/** URLs of the reception screens (Vietnamese slugs). */
export const receptionPaths = {
  search: base,
  create: `${base}/dang-ky`,
  person: (id: string) => `${base}/nguoi/${encodeURIComponent(id)}`,
  edit: (id: string) => `${base}/nguoi/${encodeURIComponent(id)}/sua`,
} as const;

/** Router state of the create form: details to start from (typed search text or a CCCD QR code). */
export interface CreatePersonState {
  prefill?: Partial<PersonFormValues>;
  /** The prefill was read from a CCCD QR code. */
  fromQr?: boolean;
}

/** Router state of the person card: what just happened, to say so. */
export interface PersonCardState {
  notice?: 'created' | 'updated' | 'qrFound';
}
