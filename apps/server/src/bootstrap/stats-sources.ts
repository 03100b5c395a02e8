import { dosesForStats } from '../modules/doses/doses.service.js';
import { peopleForStats, personIdsAfter } from '../modules/people/people.service.js';
import { priorityGroupsOf } from '../modules/portal/registrations.service.js';
import { reportIdsAfter, reportsForStats } from '../modules/reports/reports.service.js';
import type { StatsSources } from '../modules/stats/stats.fold.js';

/**
 * The records statistics count, read through the modules that own them. The stats module sits
 * below doses, people, portal and reports (they mark their changes through it), so the server
 * level hands these readers to it.
 */
export const statsSources: StatsSources = {
  people: peopleForStats,
  doses: dosesForStats,
  priorityGroups: priorityGroupsOf,
  reports: reportsForStats,
  personIdsAfter,
  reportIdsAfter,
};
