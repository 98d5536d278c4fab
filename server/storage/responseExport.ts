import type { ExportedResponse } from '../domain/responseExport.js';
import type { MeasurementPoint } from '../domain/instrumentTypes.js';
import type { Db } from './db.js';
import { fromBit, sql } from './statements.js';

/** Which submitted responses of an intervention an export holds: the filters of the analysis screens. */
export interface ExportFilter {
  interventionId: number;
  round?: number;
  points?: readonly MeasurementPoint[];
  gender?: string;
  ageBand?: string;
}

interface ResponseRow {
  responseId: number; participant: string | null; interventionId: number; point: MeasurementPoint; roundId: number | null; roundName: string | null;
  submittedOn: string; language: string; source: string; instrumentId: string; instrumentVersion: string;
  countedSoFar: number; countedInRound: number; gender: string | null; ageBand: string | null;
}

/** The submitted responses the filter picks, oldest first, with their answers (not those hidden: freeText.ts) and scores. */
export function exportedResponses(db: Db, f: ExportFilter): ExportedResponse[] {
  const rows = sql<[Record<string, unknown>], ResponseRow>(
    db,
    `SELECT r.id AS responseId, p.pseudonym AS participant, r.intervention_id AS interventionId, r.point, r.round_id AS roundId, mr.name AS roundName,
       r.submitted_on AS submittedOn, r.language, r.source, r.instrument_id AS instrumentId, r.instrument_version AS instrumentVersion,
       r.latest AS countedSoFar, r.latest_in_round AS countedInRound, r.gender, r.age_band AS ageBand
     FROM responses r LEFT JOIN participants p ON p.id = r.participant_id LEFT JOIN measurement_rounds mr ON mr.id = r.round_id
     WHERE r.intervention_id = :intervention AND r.status = 'submitted'
       AND (:round IS NULL OR r.round_id = :round)
       AND (:points IS NULL OR r.point IN (SELECT value FROM json_each(:points)))
       AND (:gender IS NULL OR r.gender = :gender) AND (:ageBand IS NULL OR r.age_band = :ageBand)
     ORDER BY r.submitted_on, r.submitted_at, r.id`,
  ).all({
    intervention: f.interventionId, round: f.round ?? null, points: f.points?.length ? JSON.stringify(f.points) : null,
    gender: f.gender ?? null, ageBand: f.ageBand ?? null,
  });
  const ids = JSON.stringify(rows.map((r) => r.responseId));
  const answers = new Map<number, ExportedResponse['answers']>();
  for (const a of sql<[string], { responseId: number; itemId: string; num: number | null; text: string | null; dontKnow: number }>(
    db,
    'SELECT response_id AS responseId, item_id AS itemId, value_num AS num, value_text AS text, dont_know AS dontKnow FROM answers WHERE response_id IN (SELECT value FROM json_each(?)) AND hidden_at IS NULL',
  ).all(ids)) {
    if (!answers.has(a.responseId)) answers.set(a.responseId, new Map());
    answers.get(a.responseId)!.set(a.itemId, { itemId: a.itemId, num: a.num, text: a.text, dontKnow: fromBit(a.dontKnow) });
  }
  const scores = new Map<number, Map<string, number>>();
  for (const s of sql<[string], { responseId: number; indicatorId: string; score: number }>(
    db,
    'SELECT response_id AS responseId, indicator_id AS indicatorId, score FROM response_scores WHERE response_id IN (SELECT value FROM json_each(?))',
  ).all(ids)) {
    if (!scores.has(s.responseId)) scores.set(s.responseId, new Map());
    scores.get(s.responseId)!.set(s.indicatorId, s.score);
  }
  return rows.map((r) => ({
    ...r, countedSoFar: fromBit(r.countedSoFar), countedInRound: fromBit(r.countedInRound),
    answers: answers.get(r.responseId) ?? new Map(), scores: scores.get(r.responseId) ?? new Map(),
  }));
}
