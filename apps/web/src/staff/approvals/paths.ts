import { paths } from '../../paths';

/** The URL path of the identity-approvals area below /quan-tri (see STAFF_AREAS). */
export const APPROVALS_PATH = 'phe-duyet';

/** URLs of the approvals screens. */
export const approvalsPaths = {
  list: `${paths.staffHome}/${APPROVALS_PATH}`,
} as const;
