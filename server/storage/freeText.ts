import type { MeasurementPoint } from '../domain/instrumentTypes.js';
import type { Db } from './db.js';
import { sql } from './statements.js';

export interface FreeTextAnswer { responseId: number; itemId: string; point: MeasurementPoint; submittedOn: string; text: string }

/** The shown free-text answers to `itemIds` in an intervention's submitted questionnaires, newest first, with the point and date but nothing that says whose. */
export function freeTextAnswers(db: Db, interventionId: number, itemIds: readonly string[]): FreeTextAnswer[] {
  return sql<[number, string], FreeTextAnswer>(
    db,
    `SELECT a.response_id AS responseId, a.item_id AS itemId, r.point, r.submitted_on AS submittedOn, a.value_text AS text
     FROM answers a JOIN responses r ON r.id = a.response_id
     WHERE r.intervention_id = ? AND r.status = 'submitted' AND a.item_id IN (SELECT value FROM json_each(?))
       AND a.value_text IS NOT NULL AND trim(a.value_text) <> '' AND a.hidden_at IS NULL
     ORDER BY r.submitted_on DESC, r.submitted_at DESC, a.response_id DESC`,
  ).all(interventionId, JSON.stringify(itemIds));
}

/** Hides one free-text answer of the intervention; false when there is no such shown answer. */
export function hideFreeText(db: Db, interventionId: number, responseId: number, itemId: string, userId: number | null): boolean {
  return sql(
    db,
    `UPDATE answers SET hidden_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), hidden_by = ?
     WHERE response_id = ? AND item_id = ? AND hidden_at IS NULL AND value_text IS NOT NULL
       AND response_id IN (SELECT id FROM responses WHERE intervention_id = ?)`,
  ).run(userId, responseId, itemId, interventionId).changes === 1;
}
