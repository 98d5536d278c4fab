import { answersFingerprint, type ImportRow, type ImportSetting } from '../domain/csvImport.js';
import type { Answer } from '../domain/scoring.js';
import type { Db } from './db.js';
import { createParticipant } from './participants.js';
import { spreadDimensions } from './responses.js';
import { withCountedCellsDeferred } from './countedCells.js';
import { recountLatest } from './population.js';
import { fromBit, sql, toBit } from './statements.js';
import { personDimensions, type Dimensions } from '../domain/dimensions.js';
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
 * Stores checked rows, all or nothing, as submitted web answers would be stored, in bulk: a
 * participant (fresh pseudonym, the reference as local_ref) per new reference, and per row a
 * submitted response entered by staff from the import, dated the row's date, with its answers and
 * scores; then, once for the whole intervention, the participants' breakdown values on all their
 * rows (spreadDimensions), which answers count (recountLatest) and the counted cells (counted
 * afresh: withCountedCellsDeferred). `userId` is who imported (null from the command line).
 */
export function importResponses(db: Db, input: { interventionId: number; userId: number | null; rows: Iterable<ImportRow> }): ImportResult {
  return withCountedCellsDeferred(db, input.interventionId, () => {
    // Responses are written as counting (latest, latest_in_round = 1): recountLatest, run once at the
    // end, takes the flags off the few that do not (a person's earlier answer at a point). Their
    // scores wait in a temporary table (on disk when large) and are written, copying the flags and
    // the breakdown values from their responses, once those are final.
    db.exec('CREATE TEMP TABLE IF NOT EXISTS import_scores (response_id INTEGER NOT NULL, indicator_id TEXT NOT NULL, score REAL NOT NULL)');
    // submitted_on is the row's date (what counts); the timestamps at noon UTC are the same day in Sweden.
    const insertResponse = sql<unknown[], number>(
      db,
      `INSERT INTO responses (participant_id, intervention_id, point, round_id, instrument_id, instrument_version, language, status, entered_by_staff, entered_by_user_id, source,
         started_at, submitted_at, submitted_on, gender, age_band, latest, latest_in_round)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'submitted', 1, ?, 'import', ?, ?, ?, ?, ?, 1, 1) RETURNING id`,
    ).pluck();
    const insertAnswer = sql(db, 'INSERT INTO answers (response_id, item_id, value_num, value_text, dont_know) VALUES (?, ?, ?, ?, ?)');
    const stageScore = sql(db, 'INSERT INTO temp.import_scores (response_id, indicator_id, score) VALUES (?, ?, ?)');
    const dimensionsOf = sql<[number], Dimensions>(db, 'SELECT gender, age_band AS ageBand FROM participants WHERE id = ?');
    const created = new Map<string, number>();
    // Each person's breakdown values as their rows give them, in the order of the file (as one submit after another would).
    const people = new Map<number, { before: Dimensions; now: Dimensions }>();
    let responses = 0;
    // The rows may be read from the file as they are written (services/importWriter): none is held longer than its chunk.
    for (const row of input.rows) {
      let participantId = row.participantId ?? created.get(row.participantRef);
      if (participantId === undefined) {
        participantId = createParticipant(db, { interventionId: input.interventionId, localRef: row.participantRef }).id;
        created.set(row.participantRef, participantId);
      }
      let person = people.get(participantId);
      if (!person) {
        const before = dimensionsOf.get(participantId)!;
        people.set(participantId, (person = { before, now: before }));
      }
      const { gender, ageBand } = (person.now = personDimensions(person.now, row.dimensions));
      const at = `${row.submittedOn}T12:00:00.000Z`;
      const responseId = insertResponse.get(
        participantId, input.interventionId, row.point, row.roundId, row.instrumentId, row.instrumentVersion, row.language, input.userId, at, at, row.submittedOn, gender, ageBand,
      )!;
      for (const a of row.answers) insertAnswer.run(responseId, a.itemId, a.num, a.text, toBit(a.dontKnow));
      for (const s of row.scores) stageScore.run(responseId, s.indicatorId, s.score);
      responses++;
    }
    const setDimensions = sql(db, 'UPDATE participants SET gender = ?, age_band = ? WHERE id = ?');
    for (const [id, { before, now }] of people) if (before.gender !== now.gender || before.ageBand !== now.ageBand) setDimensions.run(now.gender, now.ageBand, id);
    spreadDimensions(db, { interventionId: input.interventionId });
    recountLatest(db, { interventionId: input.interventionId });
    sql(
      db,
      `INSERT INTO response_scores (intervention_id, point, indicator_id, response_id, round_id, participant_id, score, gender, age_band, latest, latest_in_round)
       SELECT r.intervention_id, r.point, s.indicator_id, r.id, r.round_id, r.participant_id, s.score, r.gender, r.age_band, r.latest, r.latest_in_round
       FROM temp.import_scores s JOIN responses r ON r.id = s.response_id`,
    ).run();
    sql(db, 'DELETE FROM temp.import_scores').run();
    return { participantsCreated: created.size, responses };
  });
}
