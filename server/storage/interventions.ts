import type { MeasurementPoint } from '../domain/instrumentTypes.js';
import type { Db } from './db.js';
import { pointOrderSql, sql } from './statements.js';

export type { InterventionKind } from '../domain/instrumentTypes.js';
import type { InterventionKind } from '../domain/instrumentTypes.js';

export interface Intervention {
  id: number;
  federationId: number;
  name: string;
  kind: InterventionKind;
  targetGroup: string | null;
  startsOn: string | null;
  endsOn: string | null;
  subprojectId: number | null;
}

export interface NewIntervention {
  federationId: number;
  name: string;
  kind: InterventionKind;
  targetGroup?: string | null;
  startsOn?: string | null;
  endsOn?: string | null;
  subprojectId?: number | null;
}

export interface InterventionPoint { id: number; interventionId: number; point: MeasurementPoint; instrumentId: string }

const COLUMNS = `id, federation_id AS federationId, name, kind, target_group AS targetGroup, starts_on AS startsOn, ends_on AS endsOn,
  subproject_id AS subprojectId`;
const POINT_COLUMNS = 'id, intervention_id AS interventionId, point, instrument_id AS instrumentId';

export function createIntervention(db: Db, input: NewIntervention): Intervention {
  return sql<unknown[], Intervention>(
    db,
    `INSERT INTO interventions (federation_id, name, kind, target_group, starts_on, ends_on, subproject_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`,
  ).get(input.federationId, input.name, input.kind, input.targetGroup ?? null, input.startsOn ?? null, input.endsOn ?? null, input.subprojectId ?? null)!;
}

export function updateIntervention(db: Db, id: number, input: Omit<NewIntervention, 'federationId'>): void {
  sql(db, 'UPDATE interventions SET name = ?, kind = ?, target_group = ?, starts_on = ?, ends_on = ?, subproject_id = ? WHERE id = ?').run(
    input.name, input.kind, input.targetGroup ?? null, input.startsOn ?? null, input.endsOn ?? null, input.subprojectId ?? null, id,
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
  return sql<[number], Intervention>(db, `SELECT ${COLUMNS} FROM interventions WHERE id = ?`).get(id);
}

export function listInterventions(db: Db, federationId?: number): Intervention[] {
  if (federationId === undefined) return sql<[], Intervention>(db, `SELECT ${COLUMNS} FROM interventions ORDER BY federation_id, name`).all();
  return sql<[number], Intervention>(db, `SELECT ${COLUMNS} FROM interventions WHERE federation_id = ? ORDER BY name`).all(federationId);
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
