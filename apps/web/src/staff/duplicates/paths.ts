/** `/quan-tri/ho-so-trung`: duplicate-record candidates, reviewed and merged or dismissed. */
export const DUPLICATES_PATH = 'ho-so-trung';
