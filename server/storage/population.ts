import type { Db } from './db.js';
import { fromBit, sql } from './statements.js';
import type { MeasurementPoint } from '../domain/instrumentTypes.js';

// Who counts: the one read model behind every figure (domain.md, "Who counts").
//
// - A scope is chosen first: the interventions (a förbund's, a delprojekt's, one), the time (every
//   answer so far, or one measurement round) and at most one filter on the person (gender or age
//   band). Inside it each person counts once per measurement point, with their latest submitted
//   answer in that scope ("latest" orders by the date the answer counts on, then by when it was
//   sent). Anonymous (yearly) answers count once each.
// - Every scope filter but time is a property of the person, so which answer is the latest only
//   depends on the time: the flags `latest` (so far) and `latest_in_round` (within the answer's
//   round) on responses and response_scores say which answer counts; recountLatest keeps them.
// - A paired change (from → to) takes the people with a counted answer at `to` in the scope and
//   pairs it with their latest answer at `from` so far.
// - Issued / started / answered are counts of codes; answers typed in from paper are counted apart
//   from web answers, and imported answers (no code) apart from both.
// - Periods are half-open date ranges [from, to); an open end (to = null) means up to now.
//
// - The counts of who counts are kept current by the database at every write (migration 009:
//   score_cells per score, pair_cells per pair of scores, the pairing rule in its view
//   counted_pairs), so a figure reads a few rows per cell, never every answer.
//
// Only this module (with that migration) decides these rules; the services turn its rows into
// figures and send every figure through the disclosure layer (server/domain/suppression.ts).

/** The time of a scope: every answer so far (null), one measurement round, or each round apart. */
export type TimeScope = number | null | 'each';

export interface Scope {
  interventionIds: readonly number[];
  round: TimeScope;
  gender?: string;
  ageBand?: string;
}

/** A half-open range of calendar dates [from, to); to = null is open-ended. */
export interface Period { from: string; to: string | null }

/** Which of a person's answers at a point is the latest: by the date it counts on, then when it was sent. */
const LATEST_FIRST = 'submitted_on DESC, submitted_at DESC, id DESC';

/** Whose answers the latest rule is run over: one person's at one point (a submit), or every participant's of an intervention (an import). */
export type LatestScope = { participantId: number; point: MeasurementPoint } | { interventionId: number };

/**
 * Sets which of the participants' submitted answers in `scope` count: per person and point, the
 * latest so far, and the latest within each round. Called in the transaction that submits (or
 * moves, or imports) answers; only rows whose flags change are written (a write touches every
 * index that holds the flags).
 */
export function recountLatest(db: Db, scope: LatestScope): void {
  const where = (t: string) => ('interventionId' in scope
    ? `${t}intervention_id = :intervention AND ${t}participant_id IS NOT NULL`
    : `${t}participant_id = :participant AND ${t}point = :point`);
  const params = 'interventionId' in scope ? { intervention: scope.interventionId } : { participant: scope.participantId, point: scope.point };
  sql(
    db,
    `WITH ranked AS (
       SELECT id,
         row_number() OVER (PARTITION BY participant_id, point ORDER BY ${LATEST_FIRST}) AS in_all,
         row_number() OVER (PARTITION BY participant_id, point, round_id ORDER BY ${LATEST_FIRST}) AS in_round
       FROM responses WHERE ${where('')} AND status = 'submitted'
     )
     UPDATE responses SET latest = (ranked.in_all = 1), latest_in_round = (ranked.in_round = 1) FROM ranked
     WHERE ranked.id = responses.id AND (responses.latest IS NOT (ranked.in_all = 1) OR responses.latest_in_round IS NOT (ranked.in_round = 1))`,
  ).run(params);
  sql(
    db,
    `UPDATE response_scores SET latest = r.latest, latest_in_round = r.latest_in_round
     FROM responses r WHERE r.id = response_scores.response_id AND ${where('r.')}
       AND (response_scores.latest IS NOT r.latest OR response_scores.latest_in_round IS NOT r.latest_in_round)`,
  ).run(params);
}

/** An anonymous answer counts on its own: both flags set when it is submitted. */
export function countAnonymous(db: Db, responseId: number): void {
  sql(db, 'UPDATE responses SET latest = 1, latest_in_round = 1 WHERE id = ?').run(responseId);
  sql(db, 'UPDATE response_scores SET latest = 1, latest_in_round = 1 WHERE response_id = ?').run(responseId);
}

interface Where { text: string; params: Record<string, unknown> }

/**
 * The conditions of a scope on `table`: its interventions and person filter, and its time as the
 * table says it (`time` gives those conditions; a round is the parameter :round).
 */
function scopeConditions(scope: Scope, table: string, time: (t: (column: string) => string) => string[]): Where {
  const t = (c: string) => `${table}.${c}`;
  // A list of parameters, not json_each: SQLite then walks the index intervention by intervention.
  const ids = scope.interventionIds.map((_, k) => `:i${k}`);
  const parts = [ids.length ? `${t('intervention_id')} IN (${ids.join(', ')})` : '0'];
  const params: Record<string, unknown> = Object.fromEntries(scope.interventionIds.map((id, k) => [`i${k}`, id]));
  parts.push(...time(t));
  if (scope.round !== null && scope.round !== 'each') params.round = scope.round;
  if (scope.gender !== undefined) {
    parts.push(`${t('gender')} = :gender`);
    params.gender = scope.gender;
  }
  if (scope.ageBand !== undefined) {
    parts.push(`${t('age_band')} = :ageBand`);
    params.ageBand = scope.ageBand;
  }
  return { text: parts.join(' AND '), params };
}

/** The conditions of a scope on a table carrying the flags and the person's dimensions (responses). */
function scopeWhere(scope: Scope, table: string): Where {
  return scopeConditions(scope, table, (t) => [
    scope.round === null ? `${t('latest')} = 1`
      : scope.round === 'each' ? `${t('latest_in_round')} = 1 AND ${t('round_id')} IS NOT NULL`
        : `${t('latest_in_round')} = 1 AND ${t('round_id')} = :round`,
  ]);
}

/** The conditions of a scope on score_cells or pair_cells (migration 009), and the column that counts in it. */
function cellWhere(scope: Scope, table: string): Where & { count: string } {
  const count = `${table}.${scope.round === null ? 'in_all' : 'in_round'}`;
  const where = scopeConditions(scope, table, (t) => [
    `${count} <> 0`,
    ...(scope.round === 'each' ? [`${t('round_id')} <> 0`] : scope.round !== null ? [`${t('round_id')} = :round`] : []),
  ]);
  return { ...where, count };
}

/** What a row of scoreBins or pairRows is grouped by, beside point, indicator and value. */
export interface GroupBy { intervention?: boolean; round?: boolean; gender?: boolean; ageBand?: boolean }

/**
 * The grouping columns asked for, in the order of the keys (after point, indicator and score). In
 * score_cells and pair_cells (`cells`) a value not given is '' or 0: it is read back as NULL.
 */
function groupColumns(by: GroupBy, table: string, cells = false): { select: string; group: string[] } {
  const cols: [keyof GroupBy, string, string, string][] = [['intervention', 'intervention_id', 'interventionId', ''], ['gender', 'gender', 'gender', "''"], ['ageBand', 'age_band', 'ageBand', "''"], ['round', 'round_id', 'roundId', '0']];
  const read = (col: string, none: string) => (cells && none ? `nullif(${table}.${col}, ${none})` : `${table}.${col}`);
  const select = cols.map(([key, col, alias, none]) => (by[key] ? `${read(col, none)} AS ${alias}` : `NULL AS ${alias}`)).join(', ');
  return { select, group: cols.filter(([key]) => by[key]).map(([, col]) => `${table}.${col}`) };
}

export interface Grouped { interventionId: number | null; roundId: number | null; gender: string | null; ageBand: string | null }
export interface ScoreBin extends Grouped { point: MeasurementPoint; indicatorId: string; score: number; count: number }

/** How many counted people have each score, per point and indicator (and the groups asked for). */
export function scoreBins(db: Db, scope: Scope, by: GroupBy = {}): ScoreBin[] {
  const where = cellWhere(scope, 's');
  const g = groupColumns(by, 's', true);
  return sql<[Record<string, unknown>], ScoreBin>(
    db,
    `SELECT ${g.select}, s.point, s.indicator_id AS indicatorId, s.score, sum(${where.count}) AS count
     FROM score_cells s WHERE ${where.text}
     GROUP BY ${[...g.group.filter((c) => c.endsWith('intervention_id')), 's.point', 's.indicator_id', 's.score', ...g.group.filter((c) => !c.endsWith('intervention_id'))].join(', ')}
     HAVING count > 0`,
  ).all(where.params);
}

export interface PairBin extends Grouped { indicatorId: string; diff: number; count: number; sumBefore: number; sumAfter: number }

/**
 * The pairs of a change from → to, as a histogram of differences (after − before) per indicator
 * with the sums of the scores before and after: each counted person's answer at `to` in the scope,
 * paired with their latest answer at `from` so far.
 */
export function pairBins(db: Db, scope: Scope, from: string, to: string, by: GroupBy = {}): PairBin[] {
  const where = cellWhere(scope, 'p');
  const g = groupColumns(by, 'p', true);
  return sql<[Record<string, unknown>], PairBin>(
    db,
    `SELECT ${g.select}, p.indicator_id AS indicatorId, p.score_after - p.score_before AS diff, sum(${where.count}) AS count,
       sum(p.score_before * ${where.count}) AS sumBefore, sum(p.score_after * ${where.count}) AS sumAfter
     FROM pair_cells p WHERE ${where.text} AND p.from_point = :from AND p.to_point = :to
     GROUP BY ${['p.indicator_id', 'diff', ...g.group].join(', ')}
     HAVING count > 0`,
  ).all({ ...where.params, from, to });
}

export interface ItemAnswerRow extends Grouped { point: MeasurementPoint; itemId: string; value: number | null; dontKnow: boolean }

/** The counted answers to some items, for item-by-item distributions. */
export function itemAnswers(db: Db, scope: Scope, itemIds: readonly string[], by: GroupBy = {}): ItemAnswerRow[] {
  if (itemIds.length === 0) return [];
  const where = scopeWhere(scope, 'r');
  const g = groupColumns(by, 'r');
  return sql<[Record<string, unknown>], Omit<ItemAnswerRow, 'dontKnow'> & { dontKnow: number }>(
    db,
    `SELECT ${g.select}, r.point, a.item_id AS itemId, a.value_num AS value, a.dont_know AS dontKnow
     FROM responses r JOIN answers a ON a.response_id = r.id
     WHERE ${where.text} AND a.item_id IN (SELECT value FROM json_each(:items))`,
  ).all({ ...where.params, items: JSON.stringify(itemIds) }).map((r) => ({ ...r, dontKnow: fromBit(r.dontKnow) }));
}

/** Counted people per point and indicator, in the installation, for the disclosure plan. */
export interface CountedRow { interventionId: number; point: MeasurementPoint; indicatorId: string; gender: string | null; ageBand: string | null; roundId: number | null; inAll: number; inRound: number }

/** For one intervention: how many people count, so far and in their round, per point, indicator and person group. */
export function countedScores(db: Db, interventionId: number): CountedRow[] {
  return sql<[number], CountedRow>(
    db,
    `SELECT intervention_id AS interventionId, point, indicator_id AS indicatorId, nullif(gender, '') AS gender, nullif(age_band, '') AS ageBand, nullif(round_id, 0) AS roundId,
       sum(in_all) AS inAll, sum(in_round) AS inRound
     FROM score_cells WHERE intervention_id = ?
     GROUP BY point, indicator_id, gender, age_band, round_id
     HAVING inAll > 0 OR inRound > 0`,
  ).all(interventionId);
}

export type CountedPairRow = Omit<CountedRow, 'point'>;

/** For one intervention and each change (from → to): how many people pair, as countedScores counts them. */
export function countedPairs(db: Db, interventionId: number, changes: ReadonlyArray<readonly [MeasurementPoint, MeasurementPoint]>): Map<string, CountedPairRow[]> {
  const rows = sql<[number], CountedPairRow & { fromPoint: string; toPoint: string }>(
    db,
    `SELECT intervention_id AS interventionId, indicator_id AS indicatorId, nullif(gender, '') AS gender, nullif(age_band, '') AS ageBand, nullif(round_id, 0) AS roundId,
       from_point AS fromPoint, to_point AS toPoint, sum(in_all) AS inAll, sum(in_round) AS inRound
     FROM pair_cells WHERE intervention_id = ?
     GROUP BY indicator_id, from_point, to_point, gender, age_band, round_id
     HAVING inAll > 0 OR inRound > 0`,
  ).all(interventionId);
  return new Map(changes.map(([from, to]) => [
    `${from}>${to}`,
    rows.filter((r) => r.fromPoint === from && r.toPoint === to).map(({ interventionId, indicatorId, gender, ageBand, roundId, inAll, inRound }) => ({ interventionId, indicatorId, gender, ageBand, roundId, inAll, inRound })),
  ]));
}

/**
 * The measurement's process per intervention, point and round: codes issued (not revoked), started
 * (a response begun, sent or not), answered on the web and typed in from paper; and answers
 * imported from a file, which have no code.
 */
export interface ProcessRow { interventionId: number; point: MeasurementPoint; roundId: number | null; issued: number; started: number; web: number; paper: number; imported: number }

export function processCounts(db: Db, interventionIds: readonly number[]): ProcessRow[] {
  const ids = JSON.stringify(interventionIds);
  return sql<[string, string], ProcessRow>(
    db,
    `SELECT interventionId, point, roundId, sum(issued) AS issued, sum(started) AS started, sum(web) AS web, sum(paper) AS paper, sum(imported) AS imported FROM (
       SELECT mp.intervention_id AS interventionId, mp.point, c.round_id AS roundId,
         count(*) AS issued, count(resp.id) AS started,
         count(CASE WHEN resp.status = 'submitted' AND resp.source = 'web' THEN 1 END) AS web,
         count(CASE WHEN resp.status = 'submitted' AND resp.source = 'paper' THEN 1 END) AS paper,
         0 AS imported
       FROM access_codes c JOIN measurement_points mp ON mp.id = c.measurement_point_id
       LEFT JOIN responses resp ON resp.code = c.code
       WHERE mp.intervention_id IN (SELECT value FROM json_each(?)) AND c.status != 'revoked'
       GROUP BY mp.intervention_id, mp.point, c.round_id
       UNION ALL
       SELECT intervention_id, point, round_id, 0, 0, 0, 0, count(*)
       FROM responses WHERE intervention_id IN (SELECT value FROM json_each(?)) AND status = 'submitted' AND source = 'import'
       GROUP BY intervention_id, point, round_id
     ) GROUP BY interventionId, point, roundId`,
  ).all(ids, ids);
}

/** Participants of an intervention in a period (or so far): in it at some time, started, ended, and how they ended. */
export interface ParticipantRow { interventionId: number; active: number; started: number; ended: number }
export interface ExitRow { interventionId: number; status: string; n: number }

const START_DATE = `coalesce(started_on, substr(created_at, 1, 10))`;

function periodParams(period: Period | null) {
  return { from: period?.from ?? null, to: period?.to ?? null, whole: period === null ? 1 : 0 };
}

/** Ends before `to` (or anywhere with an open end), from `from`: the half-open test, written once. */
const IN_PERIOD = (column: string) => `(${column} >= :from AND (:to IS NULL OR ${column} < :to))`;

export function participantCounts(db: Db, interventionIds: readonly number[], period: Period | null): ParticipantRow[] {
  return sql<[Record<string, unknown>], ParticipantRow>(
    db,
    `SELECT intervention_id AS interventionId,
       count(CASE WHEN :whole = 1 THEN (CASE WHEN exited_on IS NULL THEN 1 END)
         WHEN (:to IS NULL OR ${START_DATE} < :to) AND (exited_on IS NULL OR exited_on >= :from) THEN 1 END) AS active,
       count(CASE WHEN :whole = 1 OR ${IN_PERIOD(START_DATE)} THEN 1 END) AS started,
       count(CASE WHEN exited_on IS NOT NULL AND (:whole = 1 OR ${IN_PERIOD('exited_on')}) THEN 1 END) AS ended
     FROM participants WHERE intervention_id IN (SELECT value FROM json_each(:interventions))
     GROUP BY intervention_id`,
  ).all({ ...periodParams(period), interventions: JSON.stringify(interventionIds) });
}

export function exitCounts(db: Db, interventionIds: readonly number[], period: Period | null): ExitRow[] {
  return sql<[Record<string, unknown>], ExitRow>(
    db,
    `SELECT intervention_id AS interventionId, exit_status AS status, count(*) AS n FROM participants
     WHERE intervention_id IN (SELECT value FROM json_each(:interventions)) AND exited_on IS NOT NULL AND exit_status IS NOT NULL
       AND (:whole = 1 OR ${IN_PERIOD('exited_on')})
     GROUP BY intervention_id, exit_status`,
  ).all({ ...periodParams(period), interventions: JSON.stringify(interventionIds) });
}

export interface PeriodScoreBin { interventionId: number; instrumentId: string; point: MeasurementPoint; indicatorId: string; gender: string | null; score: number; count: number }

/**
 * Score histograms of a period (a calendar year for the national submission): inside the period
 * each person counts once per point, with their latest answer submitted in it (the same order as
 * recountLatest); anonymous answers each. Per intervention, instrument, point, indicator and gender.
 */
export function periodScoreBins(db: Db, interventionIds: readonly number[], period: Period): PeriodScoreBin[] {
  return sql<[Record<string, unknown>], PeriodScoreBin>(
    db,
    `WITH inside AS (
       SELECT id, intervention_id, instrument_id, point, gender,
         row_number() OVER (PARTITION BY coalesce(participant_id, -id), point ORDER BY ${LATEST_FIRST}) AS k
       FROM responses
       WHERE status = 'submitted' AND intervention_id IN (SELECT value FROM json_each(:interventions)) AND ${IN_PERIOD('submitted_on')}
     )
     SELECT i.intervention_id AS interventionId, i.instrument_id AS instrumentId, i.point, s.indicator_id AS indicatorId, i.gender, s.score, count(*) AS count
     FROM inside i JOIN response_scores s ON s.response_id = i.id
     WHERE i.k = 1
     GROUP BY i.intervention_id, i.instrument_id, i.point, s.indicator_id, i.gender, s.score`,
  ).all({ ...periodParams(period), interventions: JSON.stringify(interventionIds) });
}

export interface PeriodQuestionnaires { interventionId: number; instrumentId: string; instrumentVersion: string; n: number }

/** Questionnaires submitted in a period (every one, not people), per intervention and instrument version. */
export function periodQuestionnaires(db: Db, interventionIds: readonly number[], period: Period): PeriodQuestionnaires[] {
  return sql<[Record<string, unknown>], PeriodQuestionnaires>(
    db,
    `SELECT intervention_id AS interventionId, instrument_id AS instrumentId, instrument_version AS instrumentVersion, count(*) AS n FROM responses
     WHERE status = 'submitted' AND intervention_id IN (SELECT value FROM json_each(:interventions)) AND ${IN_PERIOD('submitted_on')}
     GROUP BY intervention_id, instrument_id, instrument_version`,
  ).all({ ...periodParams(period), interventions: JSON.stringify(interventionIds) });
}

/** The calendar years in which answers of these interventions were submitted, oldest first. */
export function answerYears(db: Db, interventionIds: readonly number[]): number[] {
  return sql<[string], number>(
    db,
    `SELECT DISTINCT CAST(substr(submitted_on, 1, 4) AS INTEGER) FROM responses
     WHERE status = 'submitted' AND submitted_on IS NOT NULL AND intervention_id IN (SELECT value FROM json_each(?)) ORDER BY 1`,
  ).pluck().all(JSON.stringify(interventionIds));
}

export interface InstallationBin { point: MeasurementPoint; indicatorId: string; score: number; count: number }

/** Score histograms of every counted person in the installation, per point and indicator, summed from the cells. */
export function installationBins(db: Db): InstallationBin[] {
  return sql<[], InstallationBin>(
    db,
    `SELECT point, indicator_id AS indicatorId, score, sum(in_all) AS count FROM score_cells WHERE in_all <> 0 GROUP BY point, indicator_id, score HAVING count > 0`,
  ).all();
}

/** Per förbund ('f<id>') and for what spans förbund (''), a number that moves whenever the data behind their figures changes (see migration 006). */
export function figuresVersions(db: Db): Map<string, number> {
  return new Map(sql<[], { scope: string; n: number }>(db, 'SELECT scope, n FROM figures_version').all().map((r) => [r.scope, r.n]));
}

/** A number that moves whenever anything a figure is built from changes. */
export function figuresVersion(db: Db): number {
  return sql<[], number>(db, 'SELECT sum(n) FROM figures_version').pluck().get() ?? 0;
}
