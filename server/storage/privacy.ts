import { auditTarget } from '../domain/auditEvent.js';
import { writeAudit } from './audit.js';
import type { Db } from './db.js';
import { purgeExpiredSessions } from './sessions.js';
import { fromBit, sql } from './statements.js';
import type { MeasurementPoint } from '../domain/instrumentTypes.js';

/**
 * GDPR operations on one participant (erasure, right of access) and retention. A participant's
 * personal data are their row, their codes, their responses with answers and the scores computed
 * from them. Frozen report snapshots hold only aggregates and stay; the audit log keeps the
 * pseudonym, which no longer leads to anyone once the row with its local reference is gone.
 */

/** How many rows erasing a participant removes, table by table. */
export interface ErasureCounts {
  responses: number;
  answers: number;
  scores: number;
  codes: number;
}

/** Who erases, for the audit row written in the same transaction. */
export interface ErasedBy {
  userId?: number | null;
  actor?: string | null;
  ip?: string | null;
  detail?: Record<string, unknown>;
}

// A participant's responses: theirs by id, and any opened with one of their codes (so no code is left referenced).
const PARTICIPANT_RESPONSES = `SELECT id FROM responses WHERE participant_id = @id
  OR code IN (SELECT code FROM access_codes WHERE participant_id = @id)`;

export function erasureCounts(db: Db, participantId: number): ErasureCounts {
  return sql<{ id: number }, ErasureCounts>(
    db,
    `SELECT (SELECT count(*) FROM (${PARTICIPANT_RESPONSES})) AS responses,
       (SELECT count(*) FROM answers WHERE response_id IN (${PARTICIPANT_RESPONSES})) AS answers,
       (SELECT count(*) FROM response_scores WHERE response_id IN (${PARTICIPANT_RESPONSES})) AS scores,
       (SELECT count(*) FROM access_codes WHERE participant_id = @id) AS codes`,
  ).get({ id: participantId })!;
}

/**
 * Erases a participant and everything answered under them (answers, scores, responses, codes, the
 * participant row) and audits it as `participant.erase`, all in one transaction. Summaries read the
 * scores live and `latest` is per participant, so nothing else needs recomputing.
 * Returns undefined when there is no such participant.
 */
export function eraseParticipant(db: Db, participantId: number, by: ErasedBy): ErasureCounts | undefined {
  return db.transaction(() => {
    const owner = sql<[number], { pseudonym: string; federationId: number }>(
      db,
      'SELECT p.pseudonym, i.federation_id AS federationId FROM participants p JOIN interventions i ON i.id = p.intervention_id WHERE p.id = ?',
    ).get(participantId);
    if (!owner) return undefined;
    const responseIds = JSON.stringify(sql<{ id: number }, number>(db, PARTICIPANT_RESPONSES).pluck().all({ id: participantId }));
    const counts: ErasureCounts = {
      answers: sql(db, 'DELETE FROM answers WHERE response_id IN (SELECT value FROM json_each(?))').run(responseIds).changes,
      scores: sql(db, 'DELETE FROM response_scores WHERE response_id IN (SELECT value FROM json_each(?))').run(responseIds).changes,
      responses: sql(db, 'DELETE FROM responses WHERE id IN (SELECT value FROM json_each(?))').run(responseIds).changes,
      // replaced_by only ever names another code of the same participant, deleted here too.
      codes: sql(db, 'DELETE FROM access_codes WHERE participant_id = ?').run(participantId).changes,
    };
    sql(db, 'DELETE FROM participants WHERE id = ?').run(participantId);
    writeAudit(db, {
      userId: by.userId, actor: by.actor, ip: by.ip, federationId: owner.federationId,
      action: 'participant.erase', target: auditTarget.participant(owner.pseudonym), detail: { ...counts, ...by.detail },
    });
    return counts;
  })();
}

/** Everything stored about one participant, for their right of access. Codes are described, not given: an active code still opens a questionnaire. */
export interface ParticipantExport {
  participant: {
    pseudonym: string; localRef: string | null; startedOn: string | null; exitedOn: string | null; exitStatus: string | null;
    gender: string | null; ageBand: string | null; registeredAt: string;
  };
  codes: { point: MeasurementPoint; round: string | null; status: string; issuedAt: string; spentAt: string | null }[];
  responses: {
    point: MeasurementPoint; round: string | null; instrumentId: string; instrumentVersion: string; language: string; status: string;
    enteredByStaff: boolean; startedAt: string; updatedAt: string; submittedAt: string | null;
    answers: { itemId: string; value: number | string | null; dontKnow: boolean }[];
  }[];
}

export function participantExport(db: Db, participantId: number): ParticipantExport | undefined {
  const participant = sql<[number], ParticipantExport['participant']>(
    db,
    `SELECT pseudonym, local_ref AS localRef, started_on AS startedOn, exited_on AS exitedOn, exit_status AS exitStatus,
       gender, age_band AS ageBand, created_at AS registeredAt FROM participants WHERE id = ?`,
  ).get(participantId);
  if (!participant) return undefined;
  const codes = sql<[number], ParticipantExport['codes'][number]>(
    db,
    `SELECT mp.point, r.name AS round, c.status, c.created_at AS issuedAt, c.spent_at AS spentAt
     FROM access_codes c JOIN measurement_points mp ON mp.id = c.measurement_point_id LEFT JOIN measurement_rounds r ON r.id = c.round_id
     WHERE c.participant_id = ? ORDER BY c.rowid`,
  ).all(participantId);
  type ResponseRow = Omit<ParticipantExport['responses'][number], 'answers' | 'enteredByStaff'> & { id: number; enteredByStaff: number };
  const responses = sql<{ id: number }, ResponseRow>(
    db,
    `SELECT resp.id, resp.point, r.name AS round, resp.instrument_id AS instrumentId, resp.instrument_version AS instrumentVersion, resp.language,
       resp.status, resp.entered_by_staff AS enteredByStaff, resp.started_at AS startedAt, resp.updated_at AS updatedAt, resp.submitted_at AS submittedAt
     FROM responses resp LEFT JOIN measurement_rounds r ON r.id = resp.round_id
     WHERE resp.id IN (${PARTICIPANT_RESPONSES}) ORDER BY resp.started_at, resp.id`,
  ).all({ id: participantId });
  const answersOf = sql<[number], { itemId: string; num: number | null; text: string | null; dontKnow: number }>(
    db,
    'SELECT item_id AS itemId, value_num AS num, value_text AS text, dont_know AS dontKnow FROM answers WHERE response_id = ? ORDER BY item_id',
  );
  return {
    participant,
    codes,
    responses: responses.map(({ id, enteredByStaff, ...r }) => ({
      ...r,
      enteredByStaff: fromBit(enteredByStaff),
      answers: answersOf.all(id).map((a) => ({ itemId: a.itemId, value: a.num ?? a.text, dontKnow: fromBit(a.dontKnow) })),
    })),
  };
}

export interface RetentionRule {
  /** Participants who exited before this date (YYYY-MM-DD) are erased. */
  exitedBefore: string;
  /** Unfinished questionnaires not touched for more than this many days are deleted. */
  staleDays: number;
}

export interface RetentionPlan {
  participants: { id: number; pseudonym: string; exitedOn: string; counts: ErasureCounts }[];
  staleResponses: { id: number; federationId: number; answers: number }[];
  expiredSessions: number;
}

/** What a purge under the rule removes; the stale questionnaires of participants erased anyway are not counted twice. */
export function retentionPlan(db: Db, rule: RetentionRule): RetentionPlan {
  const participants = sql<[string], { id: number; pseudonym: string; exitedOn: string }>(
    db,
    'SELECT id, pseudonym, exited_on AS exitedOn FROM participants WHERE exited_on < ? ORDER BY exited_on, id',
  ).all(rule.exitedBefore);
  const staleResponses = sql<[string, string], RetentionPlan['staleResponses'][number]>(
    db,
    `SELECT r.id, i.federation_id AS federationId, (SELECT count(*) FROM answers a WHERE a.response_id = r.id) AS answers
     FROM responses r JOIN interventions i ON i.id = r.intervention_id
     WHERE r.status = 'in_progress' AND r.updated_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)
       AND NOT EXISTS (SELECT 1 FROM participants p WHERE p.id = r.participant_id AND p.exited_on < ?)
     ORDER BY r.id`,
  ).all(`-${rule.staleDays} days`, rule.exitedBefore);
  const expiredSessions = sql<[number], number>(db, 'SELECT count(*) FROM sessions WHERE expires_at <= ?').pluck().get(Date.now())!;
  return {
    participants: participants.map((p) => ({ ...p, counts: erasureCounts(db, p.id) })),
    staleResponses,
    expiredSessions,
  };
}

/**
 * Applies the retention rule in one transaction: erases the participants (as `eraseParticipant`),
 * deletes the stale unfinished questionnaires with their answers (their codes stay, so the person
 * can still answer, from the start), and purges expired sessions. Audited per participant and per
 * federation. Returns what was removed.
 */
export function applyRetention(db: Db, rule: RetentionRule, actor: string): RetentionPlan {
  return db.transaction(() => {
    const plan = retentionPlan(db, rule);
    for (const p of plan.participants) eraseParticipant(db, p.id, { actor, detail: { reason: 'retention', exitedOn: p.exitedOn, exitedBefore: rule.exitedBefore } });
    const removeAnswers = sql(db, 'DELETE FROM answers WHERE response_id = ?');
    const removeResponse = sql(db, "DELETE FROM responses WHERE id = ? AND status = 'in_progress'");
    const perFederation = new Map<number, { responses: number; answers: number }>();
    for (const r of plan.staleResponses) {
      const answers = removeAnswers.run(r.id).changes;
      removeResponse.run(r.id);
      const sum = perFederation.get(r.federationId) ?? { responses: 0, answers: 0 };
      perFederation.set(r.federationId, { responses: sum.responses + 1, answers: sum.answers + answers });
    }
    for (const [federationId, sum] of perFederation) {
      writeAudit(db, { actor, federationId, action: 'responses.purgeStale', detail: { ...sum, staleDays: rule.staleDays } });
    }
    return { ...plan, expiredSessions: purgeExpiredSessions(db) };
  })();
}
