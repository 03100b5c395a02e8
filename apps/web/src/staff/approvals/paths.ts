import { paths } from '../../paths';

/** The URL path of the identity-approvals area below /quan-tri (see STAFF_AREAS). */
export const APPROVALS_PATH = 'phe-duyet';

const base = `${paths.staffHome}/${APPROVALS_PATH}`;

/** URLs of the approvals screens. */
export const approvalsPaths = {
  list: base,
  blocked: `${base}/chan-ho-chieu`,
  passports: `${base}/ho-chieu-vac-xin`,
} as const;
