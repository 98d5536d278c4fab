import type { ImportRow, ImportSetting } from '../domain/csvImport.js';
import type { Db } from './db.js';
import { createParticipant } from './participants.js';
import { saveAnswers, startResponse, submitResponse } from './responses.js';
import { sql } from './statements.js';
import type { MeasurementPoint } from '../domain/instrumentTypes.js';

/** The intervention's participants with a local reference, and the points where they have a submitted response. */
export function importExisting(db: Db, interventionId: number): Pick<ImportSetting, 'participants' | 'submitted'> {
  return {
    participants: sql<[number], { id: number; localRef: string }>(
      db,
      'SELECT id, local_ref AS localRef FROM participants WHERE intervention_id = ? AND local_ref IS NOT NULL ORDER BY id',
    ).all(interventionId),
    submitted: sql<[number], { participantId: number; point: MeasurementPoint }>(
      db,
      `SELECT DISTINCT participant_id AS participantId, point FROM responses
       WHERE intervention_id = ? AND status = 'submitted' AND participant_id IS NOT NULL`,
    ).all(interventionId),
  };
}

export interface ImportResult { participantsCreated: number; responses: number }

/**
 * Stores checked rows, all or nothing: a participant (fresh pseudonym, the reference as local_ref)
 * per new reference, and per row a response entered by staff from the import, its answers, and its
 * scores and dimensions through submitResponse, as for a web answer; then the answering date.
 */
export function importResponses(db: Db, input: { interventionId: number; userId: number; rows: readonly ImportRow[] }): ImportResult {
  // submitted_on is the row's date (what counts); the timestamps at noon UTC are the same day in Sweden.
  const backdate = sql(db, 'UPDATE responses SET started_at = ?, submitted_at = ? WHERE id = ?');
  return db.transaction(() => {
    const created = new Map<string, number>();
    for (const row of input.rows) {
      let participantId = row.participantId ?? created.get(row.participantRef);
      if (participantId === undefined) {
        participantId = createParticipant(db, { interventionId: input.interventionId, localRef: row.participantRef }).id;
        created.set(row.participantRef, participantId);
      }
      const response = startResponse(db, {
        code: null, participantId, interventionId: input.interventionId, point: row.point, roundId: row.roundId,
        instrumentId: row.instrumentId, instrumentVersion: row.instrumentVersion, language: row.language,
        enteredByStaff: true, enteredByUserId: input.userId, source: 'import',
      });
      saveAnswers(db, response.id, row.answers, [], 0);
      if (!submitResponse(db, response, row.scores, row.dimensions, row.submittedOn)) throw new Error(`imported response ${response.id} was not in progress`);
      const at = `${row.submittedOn}T12:00:00.000Z`;
      backdate.run(at, at, response.id);
    }
    return { participantsCreated: created.size, responses: input.rows.length };
  })();
}
