import type { MeasurementPoint } from '../domain/instrumentTypes.js';
import { personDimensions, type Dimensions } from '../domain/dimensions.js';
import type { Answer, IndicatorScore } from '../domain/scoring.js';
import { swedishDate } from '../domain/calendarDate.js';
import type { Db } from './db.js';
import { countAnonymous, recountLatest } from './population.js';
import { fromBit, sql, toBit } from './statements.js';

export type ResponseStatus = 'in_progress' | 'submitted';
/** Answered on the web, typed in from paper by staff, or imported from a CSV of earlier years. */
export type ResponseSource = 'web' | 'paper' | 'import';

export interface SurveyResponse {
  id: number;
  code: string | null;
  participantId: number | null;
  interventionId: number;
  point: MeasurementPoint;
  roundId: number | null;
  instrumentId: string;
  instrumentVersion: string;
  language: string;
  status: ResponseStatus;
  enteredByStaff: boolean;
  lastSection: number;
  startedAt: string;
  updatedAt: string;
  submittedAt: string | null;
}

const COLUMNS = `id, code, participant_id AS participantId, intervention_id AS interventionId, point, round_id AS roundId,
  instrument_id AS instrumentId, instrument_version AS instrumentVersion, language, status,
  entered_by_staff AS enteredByStaff, last_section AS lastSection, started_at AS startedAt, updated_at AS updatedAt,
  submitted_at AS submittedAt`;

type Row = Omit<SurveyResponse, 'enteredByStaff'> & { enteredByStaff: number };
const fromRow = (row: Row | undefined): SurveyResponse | undefined => row && { ...row, enteredByStaff: fromBit(row.enteredByStaff) };

const NOW = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;

export function getResponseByCode(db: Db, code: string): SurveyResponse | undefined {
  return fromRow(sql<[string], Row>(db, `SELECT ${COLUMNS} FROM responses WHERE code = ?`).get(code));
}

export function getResponse(db: Db, id: number): SurveyResponse | undefined {
  return fromRow(sql<[number], Row>(db, `SELECT ${COLUMNS} FROM responses WHERE id = ?`).get(id));
}

export type NewResponse = Pick<SurveyResponse, 'code' | 'participantId' | 'interventionId' | 'point' | 'roundId' | 'instrumentId' | 'instrumentVersion' | 'language'> & {
  enteredByStaff?: boolean;
  /** The staff user typing in a paper questionnaire. */
  enteredByUserId?: number | null;
  source?: ResponseSource;
};

/**
 * Starts the response for a code, or returns the one already started for it: the insert is one
 * statement that does nothing when the code has a response, so two requests (two tabs, two
 * servers on one file) choosing a language for one new code at once both get the same response.
 */
export function startResponse(db: Db, r: NewResponse): SurveyResponse {
  const inserted = sql<unknown[], Row>(
    db,
    `INSERT INTO responses (code, participant_id, intervention_id, point, round_id, instrument_id, instrument_version, language, entered_by_staff, entered_by_user_id, source)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING RETURNING ${COLUMNS}`,
  ).get(r.code, r.participantId, r.interventionId, r.point, r.roundId, r.instrumentId, r.instrumentVersion, r.language, toBit(r.enteredByStaff ?? false), r.enteredByUserId ?? null, r.source ?? 'web');
  return fromRow(inserted ?? sql<[string | null], Row>(db, `SELECT ${COLUMNS} FROM responses WHERE code = ?`).get(r.code))!;
}

/**
 * Starts a paper questionnaire that staff type in, marked as entered by them; when the code already
 * has a response (the participant began on line), that one is returned unchanged.
 */
export function startPaperResponse(db: Db, r: Omit<NewResponse, 'enteredByStaff' | 'enteredByUserId' | 'source'>, userId: number): { response: SurveyResponse; created: boolean } {
  return db.transaction(() => {
    const existing = r.code === null ? undefined : getResponseByCode(db, r.code);
    if (existing) return { response: existing, created: false };
    return { response: startResponse(db, { ...r, enteredByStaff: true, enteredByUserId: userId, source: 'paper' }), created: true };
  })();
}

export function setResponseLanguage(db: Db, id: number, language: string): void {
  sql(db, `UPDATE responses SET language = ?, updated_at = ${NOW} WHERE id = ? AND status = 'in_progress'`).run(language, id);
}

interface AnswerRow { itemId: string; num: number | null; text: string | null; dontKnow: number }

export function getAnswers(db: Db, responseId: number): Map<string, Answer> {
  const rows = sql<[number], AnswerRow>(
    db,
    'SELECT item_id AS itemId, value_num AS num, value_text AS text, dont_know AS dontKnow FROM answers WHERE response_id = ?',
  ).all(responseId);
  return new Map(rows.map((r) => [r.itemId, { itemId: r.itemId, num: r.num, text: r.text, dontKnow: fromBit(r.dontKnow) }]));
}

/** Saves one page of answers (and clears the page's emptied items) atomically; remembers the page for resuming. */
export function saveAnswers(db: Db, responseId: number, answers: Answer[], cleared: string[], lastSection: number): void {
  const upsert = sql(
    db,
    `INSERT INTO answers (response_id, item_id, value_num, value_text, dont_know) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (response_id, item_id) DO UPDATE SET value_num = excluded.value_num, value_text = excluded.value_text, dont_know = excluded.dont_know`,
  );
  const remove = sql(db, 'DELETE FROM answers WHERE response_id = ? AND item_id = ?');
  db.transaction(() => {
    const touched = sql(db, `UPDATE responses SET last_section = ?, updated_at = ${NOW} WHERE id = ? AND status = 'in_progress'`).run(lastSection, responseId);
    if (touched.changes !== 1) throw new Error(`response ${responseId} is not in progress`);
    for (const a of answers) upsert.run(responseId, a.itemId, a.num, a.text, toBit(a.dontKnow));
    for (const itemId of cleared) remove.run(responseId, itemId);
  })();
}

/** Whose rows take their person's breakdown values again: one participant's, or every participant's of an intervention. */
export type DimensionScope = { participantId: number } | { interventionId: number };

/**
 * Every response and score row of a participant carries the participant's gender and age band
 * (so a breakdown is a filter on the rows); after the participants' values change, their rows are
 * given them again. Only rows that differ are written (each rewrite touches every index that holds them).
 */
export function spreadDimensions(db: Db, scope: DimensionScope): void {
  const where = (t: string) => ('participantId' in scope ? `${t}.participant_id = :id` : `${t}.intervention_id = :id AND ${t}.participant_id IS NOT NULL`);
  const id = 'participantId' in scope ? scope.participantId : scope.interventionId;
  for (const table of ['responses', 'response_scores']) {
    sql(
      db,
      `UPDATE ${table} SET gender = p.gender, age_band = p.age_band FROM participants p
       WHERE ${where(table)} AND p.id = ${table}.participant_id AND (${table}.gender IS NOT p.gender OR ${table}.age_band IS NOT p.age_band)`,
    ).run({ id });
  }
}

/**
 * Submits a response: stores its indicator scores, marks it submitted on `submittedOn` (the date in
 * Sweden now, or the date of a paper form) and spends its code, all or nothing.
 * The breakdown dimensions a participant gives (at start) are kept on the participant and copied
 * onto every response and score row of theirs, also ones submitted earlier; then the read model
 * decides again which of their answers at this point count.
 * Returns false when it was already submitted (a double click, a second tab).
 */
export function submitResponse(db: Db, response: SurveyResponse, scores: IndicatorScore[], dims: Dimensions = { gender: null, ageBand: null }, submittedOn: string = swedishDate()): boolean {
  const insertScore = sql(
    db,
    // A score row carries the flags its response has (set just before), so it is written once.
    `INSERT INTO response_scores (intervention_id, point, indicator_id, response_id, round_id, participant_id, score, gender, age_band, latest, latest_in_round)
     SELECT ?, ?, ?, id, ?, ?, ?, ?, ?, latest, latest_in_round FROM responses WHERE id = ?`,
  );
  return db.transaction(() => {
    // The person's dimensions as they stand with what this answer gives (one gives gender at start, a later answer none).
    const before = response.participantId === null ? undefined
      : sql<[number], Dimensions>(db, 'SELECT gender, age_band AS ageBand FROM participants WHERE id = ?').get(response.participantId);
    const effective: Dimensions = before ? personDimensions(before, dims) : dims;
    const changed = sql(db, `UPDATE responses SET status = 'submitted', submitted_at = ${NOW}, submitted_on = ?, updated_at = ${NOW}, gender = ?, age_band = ? WHERE id = ? AND status = 'in_progress'`)
      .run(submittedOn, effective.gender, effective.ageBand, response.id);
    if (changed.changes !== 1) return false;
    // Only when they change are the person's other rows rewritten (each rewrite touches every index that holds them).
    if (before && (before.gender !== effective.gender || before.ageBand !== effective.ageBand)) {
      sql(db, 'UPDATE participants SET gender = ?, age_band = ? WHERE id = ?').run(effective.gender, effective.ageBand, response.participantId);
      spreadDimensions(db, { participantId: response.participantId! });
    }
    if (response.participantId === null) countAnonymous(db, response.id);
    else recountLatest(db, { participantId: response.participantId, point: response.point });
    for (const s of scores) insertScore.run(response.interventionId, response.point, s.indicatorId, response.roundId, response.participantId, s.score, effective.gender, effective.ageBand, response.id);
    if (response.code) sql(db, `UPDATE access_codes SET status = 'spent', spent_at = ${NOW} WHERE code = ?`).run(response.code);
    return true;
  })();
}
