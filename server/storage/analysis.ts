import type { Db } from './db.js';
import { sql } from './statements.js';

/** Optional narrowing of the stored scores; every field is a plain equality on an indexed row. */
export interface ScoreFilter {
  roundId?: number;
  gender?: string;
  ageBand?: string;
}

/** Only the conditions of the filters in use, so an unfiltered query reads nothing but its covering index. */
function filterSql(f: ScoreFilter, table = ''): string {
  const col = (name: string) => (table ? `${table}.${name}` : name);
  return [
    f.roundId !== undefined ? `AND ${col('round_id')} = :roundId` : '',
    f.gender !== undefined ? `AND ${col('gender')} = :gender` : '',
    f.ageBand !== undefined ? `AND ${col('age_band')} = :ageBand` : '',
  ].join(' ');
}
const filterParams = (f: ScoreFilter) => ({
  ...(f.roundId !== undefined && { roundId: f.roundId }),
  ...(f.gender !== undefined && { gender: f.gender }),
  ...(f.ageBand !== undefined && { ageBand: f.ageBand }),
});

export interface GenderScoreRow { indicatorId: string; gender: string | null; score: number }

/** Every person's latest score at one point of an intervention, with their gender, for the equality breakdown. */
export function pointScoresByGender(db: Db, interventionId: number, point: string, filter: ScoreFilter = {}): GenderScoreRow[] {
  return sql<[Record<string, unknown>], GenderScoreRow>(
    db,
    `SELECT indicator_id AS indicatorId, gender, score FROM response_scores
     WHERE intervention_id = :interventionId AND point = :point AND latest = 1 ${filterSql(filter)}`,
  ).all({ interventionId, point, ...filterParams(filter) });
}

export interface PointHistogramRow { point: string; indicatorId: string; score: number; count: number }

/** Per point and indicator, how many people have each score (their latest answer): one covering-index scan. */
export function interventionPointHistograms(db: Db, interventionId: number, filter: ScoreFilter = {}): PointHistogramRow[] {
  return sql<[Record<string, unknown>], PointHistogramRow>(
    db,
    `SELECT point, indicator_id AS indicatorId, score, count(*) AS count FROM response_scores
     WHERE intervention_id = :interventionId AND latest = 1 ${filterSql(filter)}
     GROUP BY point, indicator_id, score`,
  ).all({ interventionId, ...filterParams(filter) });
}

export interface DiffHistogramRow { indicatorId: string; diff: number; count: number }

/**
 * The paired change from one point to another as a histogram of differences (to − from) per
 * indicator, over participants with a latest score at both points: the pair join done in SQL.
 */
export function interventionPairDiffs(db: Db, interventionId: number, from: string, to: string, filter: ScoreFilter = {}): DiffHistogramRow[] {
  return sql<[Record<string, unknown>], DiffHistogramRow>(
    db,
    `SELECT indicator_id AS indicatorId, diff, count(*) AS count FROM (
       SELECT indicator_id, max(CASE WHEN point = :to THEN score END) - max(CASE WHEN point = :from THEN score END) AS diff
       FROM response_scores
       WHERE intervention_id = :interventionId AND participant_id IS NOT NULL AND point IN (:from, :to) AND latest = 1 ${filterSql(filter)}
       GROUP BY indicator_id, participant_id
     ) WHERE diff IS NOT NULL GROUP BY indicator_id, diff`,
  ).all({ interventionId, from, to, ...filterParams(filter) });
}

export interface ItemAnswerRow { point: string; itemId: string; value: number | null; dontKnow: number }

/** Answers to the given items in an intervention's submitted responses, for item-by-item distributions. */
export function interventionItemAnswers(db: Db, interventionId: number, itemIds: readonly string[], filter: ScoreFilter = {}): ItemAnswerRow[] {
  if (itemIds.length === 0) return [];
  return sql<[Record<string, unknown>], ItemAnswerRow>(
    db,
    `SELECT r.point, a.item_id AS itemId, a.value_num AS value, a.dont_know AS dontKnow
     FROM responses r JOIN answers a ON a.response_id = r.id
     WHERE r.intervention_id = :interventionId AND r.status = 'submitted'
       AND a.item_id IN (SELECT value FROM json_each(:items))
       ${filterSql(filter, 'r')}`,
  ).all({ interventionId, items: JSON.stringify(itemIds), ...filterParams(filter) });
}

export interface KeyedScore { key: string; score: number }

/** One indicator at one point for every intervention of a federation (key = intervention id). */
export function federationIndicatorScores(db: Db, federationId: number, point: string, indicatorId: string, filter: ScoreFilter = {}): KeyedScore[] {
  return sql<[Record<string, unknown>], KeyedScore>(
    db,
    `SELECT CAST(intervention_id AS TEXT) AS key, score FROM response_scores
     WHERE intervention_id IN (SELECT id FROM interventions WHERE federation_id = :federationId)
       AND point = :point AND indicator_id = :indicatorId AND latest = 1 ${filterSql(filter)}`,
  ).all({ federationId, point, indicatorId, ...filterParams(filter) });
}

/**
 * One indicator at one point across several federations (key = federation id), optionally only the
 * interventions of one delprojekt: each person's latest score, for the regional comparison.
 */
export function regionalIndicatorScores(
  db: Db, federationIds: readonly number[], point: string, indicatorId: string, filter: Omit<ScoreFilter, 'roundId'> & { subprojectId?: number } = {},
): KeyedScore[] {
  return sql<[Record<string, unknown>], KeyedScore>(
    db,
    `SELECT CAST(i.federation_id AS TEXT) AS key, s.score FROM response_scores s JOIN interventions i ON i.id = s.intervention_id
     WHERE i.federation_id IN (SELECT value FROM json_each(:federations)) ${filter.subprojectId !== undefined ? 'AND i.subproject_id = :subprojectId' : ''}
       AND s.point = :point AND s.indicator_id = :indicatorId AND s.latest = 1 ${filterSql(filter, 's')}`,
  ).all({ federations: JSON.stringify(federationIds), point, indicatorId, ...filterParams(filter), ...(filter.subprojectId !== undefined && { subprojectId: filter.subprojectId }) });
}

/** One intervention's scores per measurement round (key = round id) for a trend over rounds. */
export function roundScores(db: Db, interventionId: number, point: string, indicatorId: string, filter: Omit<ScoreFilter, 'roundId'> = {}): KeyedScore[] {
  return sql<[Record<string, unknown>], KeyedScore>(
    db,
    `SELECT CAST(round_id AS TEXT) AS key, score FROM response_scores
     WHERE intervention_id = :interventionId AND point = :point AND indicator_id = :indicatorId AND round_id IS NOT NULL
       AND (:gender IS NULL OR gender = :gender) AND (:ageBand IS NULL OR age_band = :ageBand)`,
  ).all({ interventionId, point, indicatorId, gender: filter.gender ?? null, ageBand: filter.ageBand ?? null });
}

export interface HistogramRow { point: string; indicatorId: string; score: number; count: number }

/**
 * Score histograms of every submitted response in the installation, per point and indicator:
 * streamed off the (point, indicator_id, score) index, so a million responses need no sort and
 * little memory. Only aggregates leave this function.
 */
export function nationalHistograms(db: Db): HistogramRow[] {
  return sql<[], HistogramRow>(
    db,
    `SELECT point, indicator_id AS indicatorId, score, count(*) AS count FROM response_scores GROUP BY point, indicator_id, score`,
  ).all();
}
