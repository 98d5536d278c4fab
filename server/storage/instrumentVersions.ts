import type { Db } from './db.js';
import { sql } from './statements.js';

// Which instrument versions questionnaires were given in (responses.instrument_version): what the
// analyses compare across (services/figures.ts scopeInstrument) and the export's codebook describes.

export interface AnsweredVersion { instrumentId: string; instrumentVersion: string; questionnaires: number }

/**
 * The versions of the answers that count in these interventions (a person's latest at a point so
 * far or in its round: every answer a figure or a paired change reads), with how many each.
 */
export function countedVersions(db: Db, interventionIds: readonly number[]): AnsweredVersion[] {
  return sql<[string], AnsweredVersion>(
    db,
    `SELECT instrument_id AS instrumentId, instrument_version AS instrumentVersion, count(*) AS questionnaires FROM responses
     WHERE intervention_id IN (SELECT value FROM json_each(?)) AND status = 'submitted' AND (latest = 1 OR latest_in_round = 1)
     GROUP BY instrument_id, instrument_version`,
  ).all(JSON.stringify(interventionIds));
}

/** The versions of every submitted questionnaire of an intervention, counted or not (the response export holds them all). */
export function answeredVersions(db: Db, interventionId: number): AnsweredVersion[] {
  return sql<[number], AnsweredVersion>(
    db,
    `SELECT instrument_id AS instrumentId, instrument_version AS instrumentVersion, count(*) AS questionnaires FROM responses
     WHERE intervention_id = ? AND status = 'submitted' GROUP BY instrument_id, instrument_version`,
  ).all(interventionId);
}
