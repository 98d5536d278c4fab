import type { MeasurementPoint } from '../domain/instrumentTypes.js';
import type { Db } from './db.js';
import { pointOrderSql, sql } from './statements.js';

export type { InterventionKind } from '../domain/instrumentTypes.js';
import type { InterventionKind } from '../domain/instrumentTypes.js';
import { DEFAULT_REMIND_AFTER_DAYS, type MeasurementSchedule } from '../domain/worklist.js';

export interface Intervention {
  id: number;
  federationId: number;
  name: string;
  kind: InterventionKind;
  targetGroup: string | null;
  startsOn: string | null;
  endsOn: string | null;
  subprojectId: number | null;
  /** When its participants are due to answer (domain/worklist.ts). */
  schedule: MeasurementSchedule;
}

export interface NewIntervention {
  federationId: number;
  name: string;
  kind: InterventionKind;
  targetGroup?: string | null;
  startsOn?: string | null;
  endsOn?: string | null;
  subprojectId?: number | null;
  schedule?: Partial<MeasurementSchedule>;
}

type Row = Omit<Intervention, 'schedule'> & { ongoingEveryMonths: number | null; followupAfterMonths: number | null; plannedLengthMonths: number | null; remindAfterDays: number };
const fromRow = ({ ongoingEveryMonths, followupAfterMonths, plannedLengthMonths, remindAfterDays, ...rest }: Row): Intervention => ({
  ...rest, schedule: { ongoingEveryMonths, followupAfterMonths, plannedLengthMonths, remindAfterDays },
});

export interface InterventionPoint { id: number; interventionId: number; point: MeasurementPoint; instrumentId: string }

const COLUMNS = `id, federation_id AS federationId, name, kind, target_group AS targetGroup, starts_on AS startsOn, ends_on AS endsOn,
  subproject_id AS subprojectId, ongoing_every_months AS ongoingEveryMonths, followup_after_months AS followupAfterMonths,
  planned_length_months AS plannedLengthMonths, remind_after_days AS remindAfterDays`;
const POINT_COLUMNS = 'id, intervention_id AS interventionId, point, instrument_id AS instrumentId';

const scheduleValues = (s: Partial<MeasurementSchedule> = {}) => [s.ongoingEveryMonths ?? null, s.followupAfterMonths ?? null, s.plannedLengthMonths ?? null, s.remindAfterDays ?? DEFAULT_REMIND_AFTER_DAYS];

export function createIntervention(db: Db, input: NewIntervention): Intervention {
  return fromRow(sql<unknown[], Row>(
    db,
    `INSERT INTO interventions (federation_id, name, kind, target_group, starts_on, ends_on, subproject_id, ongoing_every_months, followup_after_months, planned_length_months, remind_after_days)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`,
  ).get(input.federationId, input.name, input.kind, input.targetGroup ?? null, input.startsOn ?? null, input.endsOn ?? null, input.subprojectId ?? null, ...scheduleValues(input.schedule))!);
}

export function updateIntervention(db: Db, id: number, input: Omit<NewIntervention, 'federationId'>): void {
  sql(db, `UPDATE interventions SET name = ?, kind = ?, target_group = ?, starts_on = ?, ends_on = ?, subproject_id = ?,
    ongoing_every_months = ?, followup_after_months = ?, planned_length_months = ?, remind_after_days = ? WHERE id = ?`).run(
    input.name, input.kind, input.targetGroup ?? null, input.startsOn ?? null, input.endsOn ?? null, input.subprojectId ?? null, ...scheduleValues(input.schedule), id,
  );
}

/** Which measurement points an intervention uses: adds the missing ones; a point already used by codes is kept. */
export function setMeasurementPoints(db: Db, interventionId: number, points: MeasurementPoint[], instrumentId: string): void {
  db.transaction(() => {
    for (const p of points) setMeasurementPoint(db, interventionId, p, instrumentId);
    const placeholders = points.map(() => '?').join(',') || "''";
    sql(db, `DELETE FROM measurement_points WHERE intervention_id = ? AND point NOT IN (${placeholders})
      AND NOT EXISTS (SELECT 1 FROM access_codes c WHERE c.measurement_point_id = measurement_points.id)`).run(interventionId, ...points);
  })();
}

export function getIntervention(db: Db, id: number): Intervention | undefined {
  const row = sql<[number], Row>(db, `SELECT ${COLUMNS} FROM interventions WHERE id = ?`).get(id);
  return row && fromRow(row);
}

export function listInterventions(db: Db, federationId?: number): Intervention[] {
  if (federationId === undefined) return sql<[], Row>(db, `SELECT ${COLUMNS} FROM interventions ORDER BY federation_id, name`).all().map(fromRow);
  return sql<[number], Row>(db, `SELECT ${COLUMNS} FROM interventions WHERE federation_id = ? ORDER BY name`).all(federationId).map(fromRow);
}

/** Turns a measurement point on for an intervention (or changes its instrument). */
export function setMeasurementPoint(db: Db, interventionId: number, point: MeasurementPoint, instrumentId: string): InterventionPoint {
  return sql<[number, string, string], InterventionPoint>(
    db,
    `INSERT INTO measurement_points (intervention_id, point, instrument_id) VALUES (?, ?, ?)
     ON CONFLICT (intervention_id, point) DO UPDATE SET instrument_id = excluded.instrument_id
     RETURNING ${POINT_COLUMNS}`,
  ).get(interventionId, point, instrumentId)!;
}

/** An intervention's measurement points in order; without an intervention, every point of the installation. */
export function listMeasurementPoints(db: Db, interventionId?: number): InterventionPoint[] {
  return sql<{ intervention: number | null }, InterventionPoint>(
    db,
    `SELECT ${POINT_COLUMNS} FROM measurement_points WHERE @intervention IS NULL OR intervention_id = @intervention
     ORDER BY intervention_id, ${pointOrderSql('point')}`,
  ).all({ intervention: interventionId ?? null });
}

export function getMeasurementPoint(db: Db, interventionId: number, point: MeasurementPoint): InterventionPoint | undefined {
  return sql<[number, string], InterventionPoint>(db, `SELECT ${POINT_COLUMNS} FROM measurement_points WHERE intervention_id = ? AND point = ?`).get(interventionId, point);
}

/** Links an intervention to a subproject of a regional project (or unlinks it with null). */
export function setInterventionSubproject(db: Db, interventionId: number, subprojectId: number | null): void {
  sql(db, 'UPDATE interventions SET subproject_id = ? WHERE id = ?').run(subprojectId, interventionId);
}
