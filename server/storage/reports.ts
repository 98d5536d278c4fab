import type { InstallationAggregate, ParticipantFigures, Period, TimedObservation } from '../domain/report.js';
import type { Db } from './db.js';
import { sql } from './statements.js';

// Dates: submitted_at and created_at are ISO timestamps in UTC, the period's dates are compared
// with their first ten characters; participants' started_on / exited_on are dates.
const BEFORE_END = `< date(?, '+1 day')`;

/** Indicator scores of an intervention's responses submitted up to the end of the period, oldest first. */
export function scoresUntil(db: Db, interventionId: number, to: string): TimedObservation[] {
  return sql<[number, string], TimedObservation>(
    db,
    `SELECT rs.point, rs.indicator_id AS indicatorId, rs.participant_id AS participantId, rs.score, substr(r.submitted_at, 1, 10) AS submittedOn
     FROM response_scores rs JOIN responses r ON r.id = rs.response_id
     WHERE rs.intervention_id = ? AND r.status = 'submitted' AND r.submitted_at ${BEFORE_END}
     ORDER BY r.submitted_at, r.id`,
  ).all(interventionId, to);
}

/** Participants in the intervention at some time in the period, who started in it, and who ended in it. */
export function participantFigures(db: Db, interventionId: number, p: Period): ParticipantFigures {
  return sql<{ id: number; from: string; to: string }, ParticipantFigures>(
    db,
    `SELECT
       count(CASE WHEN coalesce(started_on, substr(created_at, 1, 10)) <= @to AND (exited_on IS NULL OR exited_on >= @from) THEN 1 END) AS active,
       count(CASE WHEN coalesce(started_on, substr(created_at, 1, 10)) BETWEEN @from AND @to THEN 1 END) AS started,
       count(CASE WHEN exited_on BETWEEN @from AND @to THEN 1 END) AS ended
     FROM participants WHERE intervention_id = @id`,
  ).get({ id: interventionId, from: p.from, to: p.to })!;
}

/** Exit status → participants who ended in the period (of one intervention). */
export function exitStatusCounts(db: Db, interventionId: number, p: Period): Record<string, number> {
  const rows = sql<[number, string, string], { status: string; n: number }>(
    db,
    `SELECT exit_status AS status, count(*) AS n FROM participants
     WHERE intervention_id = ? AND exit_status IS NOT NULL AND exited_on BETWEEN ? AND ? GROUP BY exit_status`,
  ).all(interventionId, p.from, p.to);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** Per measurement point: codes issued in the period (not revoked) and how many of them were answered. */
export function codeRates(db: Db, interventionId: number, p: Period): { point: string; issued: number; answered: number }[] {
  return sql<[string, string, number], { point: string; issued: number; answered: number }>(
    db,
    `SELECT mp.point, count(c.code) AS issued, count(CASE WHEN resp.status = 'submitted' THEN 1 END) AS answered
     FROM measurement_points mp
     LEFT JOIN access_codes c ON c.measurement_point_id = mp.id AND c.status != 'revoked' AND c.created_at >= ? AND c.created_at ${BEFORE_END}
     LEFT JOIN responses resp ON resp.code = c.code
     WHERE mp.intervention_id = ?
     GROUP BY mp.point
     ORDER BY CASE mp.point WHEN 'start' THEN 1 WHEN 'ongoing' THEN 2 WHEN 'exit' THEN 3 WHEN 'followup' THEN 4 ELSE 5 END`,
  ).all(p.from, p.to, interventionId);
}

/**
 * Per indicator, the mean at one point over every federation's responses submitted in the period:
 * aggregates only, never a row of another federation. othersN counts the responses of federations
 * other than `federationId`.
 */
export function installationAggregates(db: Db, federationId: number, point: string, p: Period): InstallationAggregate[] {
  return sql<{ federation: number; point: string; from: string; to: string }, InstallationAggregate>(
    db,
    `SELECT rs.indicator_id AS indicatorId, count(*) AS n, avg(rs.score) AS mean,
       count(CASE WHEN i.federation_id != @federation THEN 1 END) AS othersN, count(DISTINCT i.federation_id) AS federations
     FROM response_scores rs
     JOIN responses r ON r.id = rs.response_id
     JOIN interventions i ON i.id = rs.intervention_id
     WHERE rs.point = @point AND r.status = 'submitted' AND r.submitted_at >= @from AND r.submitted_at < date(@to, '+1 day')
     GROUP BY rs.indicator_id`,
  ).all({ federation: federationId, point, from: p.from, to: p.to });
}

export interface SnapshotInfo {
  id: number;
  federationId: number;
  interventionId: number | null;
  interventionName: string | null;
  periodFrom: string;
  periodTo: string;
  createdAt: string;
  createdByName: string | null;
}

const SNAPSHOT_COLUMNS = `s.id, s.federation_id AS federationId, s.intervention_id AS interventionId, i.name AS interventionName,
  s.period_from AS periodFrom, s.period_to AS periodTo, s.created_at AS createdAt, u.name AS createdByName`;
const SNAPSHOT_FROM = 'report_snapshots s LEFT JOIN interventions i ON i.id = s.intervention_id LEFT JOIN users u ON u.id = s.created_by';

export function saveSnapshot(db: Db, s: { federationId: number; interventionId: number | null; period: Period; data: unknown; createdBy: number | null }): number {
  const id = sql(db, 'INSERT INTO report_snapshots (federation_id, intervention_id, period_from, period_to, data, created_by) VALUES (?, ?, ?, ?, ?, ?)').run(
    s.federationId, s.interventionId, s.period.from, s.period.to, JSON.stringify(s.data), s.createdBy,
  ).lastInsertRowid;
  return Number(id);
}

export function getSnapshot(db: Db, id: number): (SnapshotInfo & { data: string }) | undefined {
  return sql<[number], SnapshotInfo & { data: string }>(db, `SELECT ${SNAPSHOT_COLUMNS}, s.data FROM ${SNAPSHOT_FROM} WHERE s.id = ?`).get(id);
}

/** The federation's frozen reports, newest first; with an intervention, only that intervention's. */
export function listSnapshots(db: Db, federationId: number, interventionId?: number): SnapshotInfo[] {
  return sql<{ federation: number; intervention: number | null }, SnapshotInfo>(
    db,
    `SELECT ${SNAPSHOT_COLUMNS} FROM ${SNAPSHOT_FROM}
     WHERE s.federation_id = @federation AND (@intervention IS NULL OR s.intervention_id = @intervention)
     ORDER BY s.created_at DESC, s.id DESC LIMIT 100`,
  ).all({ federation: federationId, intervention: interventionId ?? null });
}

/** Exit status counts per linked intervention of a project's subprojects, for participants who ended in the period. */
export function projectExitCounts(db: Db, projectId: number, p: Period): { interventionId: number; status: string; n: number }[] {
  return sql<[number, string, string], { interventionId: number; status: string; n: number }>(
    db,
    `SELECT pa.intervention_id AS interventionId, pa.exit_status AS status, count(*) AS n
     FROM participants pa JOIN interventions i ON i.id = pa.intervention_id JOIN subprojects s ON s.id = i.subproject_id
     WHERE s.project_id = ? AND pa.exit_status IS NOT NULL AND pa.exited_on BETWEEN ? AND ?
     GROUP BY pa.intervention_id, pa.exit_status`,
  ).all(projectId, p.from, p.to);
}
