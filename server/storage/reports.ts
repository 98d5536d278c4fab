import type { Db } from './db.js';
import { sql } from './statements.js';

// Frozen board reports: the computed report as JSON, so a board decision refers to figures that no
// longer move.

export interface SnapshotInfo {
  id: number;
  federationId: number;
  interventionId: number | null;
  interventionName: string | null;
  periodFrom: string;
  periodTo: string;
  /** The round the report covers; null for everything so far (or a first-version report of free dates). */
  roundId: number | null;
  roundName: string | null;
  createdAt: string;
  createdByName: string | null;
}

const SNAPSHOT_COLUMNS = `s.id, s.federation_id AS federationId, s.intervention_id AS interventionId, i.name AS interventionName,
  s.period_from AS periodFrom, s.period_to AS periodTo, s.round_id AS roundId, r.name AS roundName, s.created_at AS createdAt, u.name AS createdByName`;
const SNAPSHOT_FROM = `report_snapshots s LEFT JOIN interventions i ON i.id = s.intervention_id LEFT JOIN users u ON u.id = s.created_by
  LEFT JOIN measurement_rounds r ON r.id = s.round_id`;

/** Freezes a report: a round's report keeps the round and its dates; a report of everything so far, the day it was frozen. */
export function saveSnapshot(db: Db, s: { federationId: number; interventionId: number | null; round: { id: number; startsOn: string; endsOn: string } | null; frozenOn: string; data: unknown; createdBy: number | null }): number {
  const id = sql(db, 'INSERT INTO report_snapshots (federation_id, intervention_id, round_id, period_from, period_to, data, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    s.federationId, s.interventionId, s.round?.id ?? null, s.round?.startsOn ?? s.frozenOn, s.round?.endsOn ?? s.frozenOn, JSON.stringify(s.data), s.createdBy,
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

