import type { MoveRecords } from './people.service.js';

/**
 * What a merge moves from the merged record to the survivor: every record other modules keep
 * about a person, through their services (doses, reports…). Each owner adds its step here.
 */
export const moveRecordsOfPerson: MoveRecords = async () => {
  return {};
};
