import { answersFingerprint, type ImportRow, type ImportSetting } from '../domain/csvImport.js';
import type { Answer } from '../domain/scoring.js';
import type { Db } from './db.js';
import { createParticipant } from './participants.js';
import { saveAnswers, startResponse, submitResponse } from './responses.js';
import { fromBit, sql } from './statements.js';
import type { MeasurementPoint } from '../domain/instrumentTypes.js';

/**
 * The intervention's participants with a local reference, and their submitted responses: point,
 * date and answers, so that a row identical to one of them is known when a file comes again.
 */
export function importExisting(db: Db, interventionId: number): Pick<ImportSetting, 'participants' | 'submitted'> {
  const responses = sql<[number], { id: number; participantId: number; point: MeasurementPoint; submittedOn: string }>(
    db,
    `SELECT id, participant_id AS participantId, point, submitted_on AS submittedOn FROM responses
     WHERE intervention_id = ? AND status = 'submitted' AND participant_id IS NOT NULL`,
  ).all(interventionId);
  const answers = new Map<number, Answer[]>();
  for (const a of sql<[number], { responseId: number; itemId: string; num: number | null; text: string | null; dontKnow: number }>(
    db,
    `SELECT a.response_id AS responseId, a.item_id AS itemId, a.value_num AS num, a.value_text AS text, a.dont_know AS dontKnow
     FROM answers a JOIN responses r ON r.id = a.response_id WHERE r.intervention_id = ? AND r.status = 'submitted' AND r.participant_id IS NOT NULL`,
  ).all(interventionId)) {
    answers.set(a.responseId, [...(answers.get(a.responseId) ?? []), { itemId: a.itemId, num: a.num, text: a.text, dontKnow: fromBit(a.dontKnow) }]);
  }
  return {
    participants: sql<[number], { id: number; localRef: string }>(
      db,
      'SELECT id, local_ref AS localRef FROM participants WHERE intervention_id = ? AND local_ref IS NOT NULL ORDER BY id',
    ).all(interventionId),
    submitted: responses.map((r) => ({ participantId: r.participantId, point: r.point, submittedOn: r.submittedOn, fingerprint: answersFingerprint(answers.get(r.id) ?? []) })),
  };
}

export interface ImportResult { participantsCreated: number; responses: number }

/**
 * Stores checked rows, all or nothing: a participant (fresh pseudonym, the reference as local_ref)
 * per new reference, and per row a response entered by staff from the import, its answers, and its
 * scores and dimensions through submitResponse, as for a web answer; then the answering date.
 * `userId` is who imported (null from the command line).
 */
export function importResponses(db: Db, input: { interventionId: number; userId: number | null; rows: Iterable<ImportRow> }): ImportResult {
  // submitted_on is the row's date (what counts); the timestamps at noon UTC are the same day in Sweden.
  const backdate = sql(db, 'UPDATE responses SET started_at = ?, submitted_at = ? WHERE id = ?');
  return db.transaction(() => {
    const created = new Map<string, number>();
    let responses = 0;
    // The rows may be read from the file as they are written (checkedRows): none is held longer than its chunk.
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
      responses++;
    }
    return { participantsCreated: created.size, responses };
  })();
}
