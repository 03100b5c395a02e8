import { paths } from '../../paths';

/** The path of the password page below /quan-tri. */
export const PASSWORD_PATH = 'doi-mat-khau';

/** `/quan-tri/doi-mat-khau`: change one's own password (required first after an administrator set it). */
export const passwordPath = `${paths.staffHome}/${PASSWORD_PATH}`;
