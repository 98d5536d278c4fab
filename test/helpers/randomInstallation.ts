import seedrandom from 'seedrandom';
import { indicatorAskedAt, type InstrumentRegistry } from '../../server/domain/instrument.js';
import type { MeasurementPoint } from '../../server/domain/instrumentTypes.js';
import { issueAccessCodes } from '../../server/storage/accessCodes.js';
import type { Db } from '../../server/storage/db.js';
import { createFederation } from '../../server/storage/federations.js';
import { createIntervention, setInterventionSubproject, setMeasurementPoint } from '../../server/storage/interventions.js';
import { createParticipant, recordExit } from '../../server/storage/participants.js';
import { addProjectTarget, createProject, createSubproject } from '../../server/storage/projects.js';
import { startResponse, submitResponse } from '../../server/storage/responses.js';
import { createRound } from '../../server/storage/rounds.js';

// A random installation for the disclosure tests: several förbund with small and large
// interventions, two rounds each, people who answer twice, people without gender or age, a
// regional project over two förbund, and a structural intervention with anonymous answers. Built
// through the storage layer, as the app stores answers.

export interface RandomInstallation {
  federations: { id: number; rounds: number[]; interventions: number[] }[];
  structural: number[];
  projectId: number;
  subprojects: number[];
}

const GENDERS = ['woman', 'man', 'other_or_not_stated', null] as const;
const GENDER_WEIGHTS = [0.5, 0.38, 0.05, 0.07];
const AGES = ['under_25', '25_29', '30_39', '40_49', '50_59', '60_plus', null] as const;
const SIZES = [2, 3, 4, 5, 6, 8, 11, 16, 24, 40];
const EXITS = ['work', 'studies', 'other_intervention', 'job_seeking', 'sick_leave', 'ended_early'];

export function randomInstallation(db: Db, instruments: InstrumentRegistry, seed: string): RandomInstallation {
  const rng = seedrandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
  const weighted = <T>(list: readonly T[], weights: readonly number[]): T => {
    let r = rng();
    for (let k = 0; k < list.length; k++) if ((r -= weights[k]!) < 0) return list[k]!;
    return list.at(-1)!;
  };
  const participant = instruments.forGroup('participant').at(-1)!;
  const board = instruments.yearly().find((i) => i.respondentGroup === 'board')!;
  const project = createProject(db, { name: 'Slumpprojektet', startsOn: '2026-01-01' });
  const out: RandomInstallation = { federations: [], structural: [], projectId: project.id, subprojects: [] };
  addProjectTarget(db, { projectId: project.id, label: 'Arbete eller studier', kind: 'work_or_studies', exitStatuses: null, target: 40 });

  const federationCount = 2 + Math.floor(rng() * 2);
  let day = 0;
  const answer = (pointId: number, interventionId: number, point: MeasurementPoint, personId: number | null, roundId: number, submittedOn: string, dims: { gender: string | null; ageBand: string | null }, instrumentId = participant.id) => {
    const [code] = issueAccessCodes(db, { measurementPointId: pointId, participantIds: [personId], roundId });
    const instrument = instruments.get(instrumentId)!;
    const response = startResponse(db, { code: code!, participantId: personId, interventionId, point, roundId, instrumentId, instrumentVersion: instrument.version, language: 'sv' });
    const scores = instrument.indicators
      .filter((ind) => indicatorAskedAt(instrument, ind, point) && rng() < 0.9)
      .map((ind) => ({ indicatorId: ind.id, score: 1 + Math.round(rng() * 18) / 3 }));
    submitResponse(db, response, scores, point === 'start' ? dims : { gender: null, ageBand: null }, submittedOn);
  };

  for (let f = 0; f < federationCount; f++) {
    const federation = createFederation(db, `Slumpförbund ${f + 1}`);
    const rounds = [
      createRound(db, { federationId: federation.id, name: 'Vår 2026', startsOn: '2026-01-01', endsOn: '2026-06-30' }),
      createRound(db, { federationId: federation.id, name: 'Höst 2026', startsOn: '2026-07-01', endsOn: '2026-12-31' }),
    ];
    const subproject = f < 2 ? createSubproject(db, { projectId: project.id, federationId: federation.id, name: `Delprojekt ${f + 1}` }) : null;
    if (subproject) out.subprojects.push(subproject.id);
    const interventions: number[] = [];
    const count = 2 + Math.floor(rng() * 3);
    for (let k = 0; k < count; k++) {
      const withOngoing = rng() < 0.4;
      const intervention = createIntervention(db, { federationId: federation.id, name: `Insats ${f + 1}.${k + 1}`, kind: 'individual' });
      interventions.push(intervention.id);
      if (subproject && k < 2) setInterventionSubproject(db, intervention.id, subproject.id);
      const points: MeasurementPoint[] = withOngoing ? ['start', 'ongoing', 'exit'] : ['start', 'exit'];
      const ids = Object.fromEntries(points.map((p) => [p, setMeasurementPoint(db, intervention.id, p, participant.id).id])) as Record<string, number>;
      const size = pick(SIZES);
      for (let p = 0; p < size; p++) {
        const dims = { gender: weighted(GENDERS, GENDER_WEIGHTS), ageBand: pick(AGES) };
        const first = rng() < 0.5 ? 0 : 1;
        const person = createParticipant(db, { interventionId: intervention.id, startedOn: rounds[first]!.startsOn });
        const date = (r: number) => `2026-${String(1 + r * 6 + Math.floor(rng() * 5)).padStart(2, '0')}-${String(1 + (day++ % 27)).padStart(2, '0')}`;
        if (rng() < 0.92) answer(ids.start!, intervention.id, 'start', person.id, rounds[first]!.id, date(first), dims);
        // Now and then a second start questionnaire (a replaced code), later in the same round.
        if (rng() < 0.12) answer(ids.start!, intervention.id, 'start', person.id, rounds[first]!.id, date(first), dims);
        if (withOngoing) for (const r of [0, 1]) if (rng() < 0.45) answer(ids.ongoing!, intervention.id, 'ongoing', person.id, rounds[r]!.id, date(r), dims);
        if (rng() < 0.7) {
          const exitRound = first === 1 || rng() < 0.5 ? 1 : 0;
          const on = date(exitRound);
          answer(ids.exit!, intervention.id, 'exit', person.id, rounds[exitRound]!.id, on, dims);
          if (rng() < 0.05) answer(ids.exit!, intervention.id, 'exit', person.id, rounds[exitRound]!.id, on, dims);
          recordExit(db, person.id, on, pick(EXITS));
        }
      }
    }
    if (f === 0) {
      const structural = createIntervention(db, { federationId: federation.id, name: 'Styrelseenkät', kind: 'structural' });
      const yearly = setMeasurementPoint(db, structural.id, 'yearly', board.id);
      const n = 3 + Math.floor(rng() * 6);
      for (let k = 0; k < n; k++) answer(yearly.id, structural.id, 'yearly', null, rounds[1]!.id, '2026-09-01', { gender: null, ageBand: null }, board.id);
      out.structural.push(structural.id);
    }
    out.federations.push({ id: federation.id, rounds: rounds.map((r) => r.id), interventions });
  }
  return out;
}
