import type { MeasurementPoint } from '../../server/domain/instrumentTypes.js';
import { issueAccessCodes } from '../../server/storage/accessCodes.js';
import type { Db } from '../../server/storage/db.js';
import { createFederation } from '../../server/storage/federations.js';
import { createIntervention, setMeasurementPoint } from '../../server/storage/interventions.js';
import { createParticipant } from '../../server/storage/participants.js';

/** One federation with one intervention using start and exit, and `participants` participants with a start code each. */
export function smallIntervention(db: Db, participants = 3, points: MeasurementPoint[] = ['start', 'exit']) {
  const federation = createFederation(db, 'Testförbundet');
  const intervention = createIntervention(db, { federationId: federation.id, name: 'Testinsatsen', kind: 'individual' });
  const measurementPoints = Object.fromEntries(points.map((p) => [p, setMeasurementPoint(db, intervention.id, p, 'participant')]));
  const people = Array.from({ length: participants }, () => createParticipant(db, { interventionId: intervention.id }));
  const startCodes = issueAccessCodes(db, { measurementPointId: measurementPoints.start!.id, participantIds: people.map((p) => p.id) });
  return { federation, intervention, measurementPoints, participants: people, startCodes };
}
