import type { Db } from './db.js';
import { sql } from './statements.js';

/** Optional narrowing of the stored scores; every field is a plain equality on an indexed row. */
export interface ScoreFilter {
  roundId?: number;
  gender?: string;
  ageBand?: string;
}

const FILTER_SQL = `AND (:roundId IS NULL OR round_id = :roundId) AND (:gender IS NULL OR gender = :gender) AND (:ageBand IS NULL OR age_band = :ageBand)`;
const filterParams = (f: ScoreFilter) => ({ roundId: f.roundId ?? null, gender: f.gender ?? null, ageBand: f.ageBand ?? null });

export interface ScoreRow { point: string; indicatorId: string; participantId: number | null; gender: string | null; score: number }

/** An intervention's stored indicator scores, filtered (one primary-key range scan). */
export function interventionScores(db: Db, interventionId: number, filter: ScoreFilter = {}): ScoreRow[] {
  return sql<[Record<string, unknown>], ScoreRow>(
    db,
    `SELECT point, indicator_id AS indicatorId, participant_id AS participantId, gender, score
     FROM response_scores WHERE intervention_id = :interventionId ${FILTER_SQL}`,
  ).all({ interventionId, ...filterParams(filter) });
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
       AND (:roundId IS NULL OR r.round_id = :roundId) AND (:gender IS NULL OR r.gender = :gender) AND (:ageBand IS NULL OR r.age_band = :ageBand)`,
  ).all({ interventionId, items: JSON.stringify(itemIds), ...filterParams(filter) });
}

export interface KeyedScore { key: string; score: number }

/** One indicator at one point for every intervention of a federation (key = intervention id). */
export function federationIndicatorScores(db: Db, federationId: number, point: string, indicatorId: string, filter: ScoreFilter = {}): KeyedScore[] {
  return sql<[Record<string, unknown>], KeyedScore>(
    db,
    `SELECT CAST(intervention_id AS TEXT) AS key, score FROM response_scores
     WHERE intervention_id IN (SELECT id FROM interventions WHERE federation_id = :federationId)
       AND point = :point AND indicator_id = :indicatorId ${FILTER_SQL}`,
  ).all({ federationId, point, indicatorId, ...filterParams(filter) });
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
