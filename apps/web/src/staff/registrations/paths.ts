/** `/quan-tri/dang-ky`: registrations from the portal, for provinces (assign) and facilities (invite). */
export const REGISTRATIONS_PATH = 'dang-ky';
