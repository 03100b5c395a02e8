import { type Kysely, sql } from 'kysely';

/**
 * Name search by any whole word of the name (issue 14): "binh" finds "Nguyễn Văn Bình", not only a
 * name that starts with it. The words of the diacritic-free `name_key` ("nguyen van binh" →
 * {nguyen, van, binh}) are indexed with GIN — an expression index, so no writer of `people`
 * changes; a search names the same expression, `string_to_array(name_key, ' ')`, with `@>`. The
 * planner has the expression's statistics (ANALYZE keeps its most common words): a rare word is a
 * GIN look-up, a common one ("van", "thi") a walk of the ordered name index until the page is full
 * (BENCHMARKS.md, people search by name word). The index is not partial (merged records are in it,
 * the search filters them): the planner ignores the statistics of a partial index's expression and
 * would guess every word at 0.5 % of the table, choosing a sequential scan.
 *
 * And the visits a closing session hands over or ends (issue 14, the session close): the statuses
 * `left` (the person left before the visit was done; `left_reason`) and `handed_over` (continued
 * in another session of the facility: `handed_over_to`; the visit there has `handed_over_from`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index people_name_words on people using gin (string_to_array(name_key, ' '));

    alter table visits drop constraint if exists visits_status_check;
    alter table visits add constraint visits_status_check check (status in
      ('waiting', 'screening', 'vaccinated', 'observing', 'done', 'postponed', 'referred', 'left', 'handed_over'));
    alter table visits add column left_reason text;
    alter table visits add column handed_over_to text references vaccination_sessions (id);
    alter table visits add column handed_over_from text references vaccination_sessions (id);
    alter table visits add constraint visits_left_reason check ((status = 'left') = (left_reason is not null));
    alter table visits add constraint visits_handed_over check ((status = 'handed_over') = (handed_over_to is not null));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists people_name_words;
    alter table visits drop constraint if exists visits_handed_over;
    alter table visits drop constraint if exists visits_left_reason;
    alter table visits drop column if exists handed_over_from;
    alter table visits drop column if exists handed_over_to;
    alter table visits drop column if exists left_reason;
    alter table visits drop constraint if exists visits_status_check;
    alter table visits add constraint visits_status_check check (status in
      ('waiting', 'screening', 'vaccinated', 'observing', 'done', 'postponed', 'referred'));
  `.execute(db);
}
