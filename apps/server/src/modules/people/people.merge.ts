import { moveDoses } from '../doses/doses.service.js';
import { moveReports } from '../reports/reports.handling.js';
import type { MoveRecords } from './people.service.js';

/**
 * What a merge moves from the merged record to the survivor: every record other modules keep
 * about a person, through their services. Each owner adds its step here.
 */
export const moveRecordsOfPerson: MoveRecords = async (trx, fromId, toId, now) => {
  return { doses: await moveDoses(trx, fromId, toId, now), reports: await moveReports(trx, fromId, toId) };
};
