// Synthetic submitted responses with stored scores, written straight to SQLite for the benchmarks.
import seedrandom from 'seedrandom';
import type { InstrumentRegistry } from '../server/domain/instrument.js';
import type { Db } from '../server/storage/db.js';
import { createFederation } from '../server/storage/federations.js';
import { createIntervention, setMeasurementPoint } from '../server/storage/interventions.js';
import { createRound } from '../server/storage/rounds.js';

/**
 * Fills `responses` submitted responses (half start, half exit of the same participants) with stored
 * scores, spread over `interventions` interventions in `federations` förbund with two measurement
 * rounds each (start in the first, exit in the second).
 */
export function fill(db: Db, instruments: InstrumentRegistry, responses: number, interventions: number, seed: string, federations = 1): number[] {
  const instrument = instruments.get('participant')!;
  const indicatorIds = instrument.indicators.map((i) => i.id);
  const rng = seedrandom(seed);
  const ids: number[] = [];
  const roundsOf = new Map<number, [number, number]>();
  for (let f = 0; f < federations; f++) {
    const federation = createFederation(db, `Bench ${seed} ${f + 1}`);
    const rounds: [number, number] = [
      createRound(db, { federationId: federation.id, name: 'Vår 2026', startsOn: '2026-01-01', endsOn: '2026-06-30' }).id,
      createRound(db, { federationId: federation.id, name: 'Höst 2026', startsOn: '2026-07-01', endsOn: '2026-12-31' }).id,
    ];
    for (let i = f; i < interventions; i += federations) {
      const intervention = createIntervention(db, { federationId: federation.id, name: `Insats ${i + 1}`, kind: 'individual' });
      setMeasurementPoint(db, intervention.id, 'start', instrument.id);
      setMeasurementPoint(db, intervention.id, 'exit', instrument.id);
      ids.push(intervention.id);
      roundsOf.set(intervention.id, rounds);
    }
  }
  ids.sort((a, b) => a - b);
  const addParticipant = db.prepare('INSERT INTO participants (pseudonym, intervention_id, gender) VALUES (?, ?, ?)');
  // Each participant answers once per point, so every answer is their latest, so far and in its round.
  const addResponse = db.prepare(`INSERT INTO responses (participant_id, intervention_id, point, round_id, instrument_id, instrument_version, language, status, submitted_at, submitted_on, latest, latest_in_round, gender)
    VALUES (?, ?, ?, ?, ?, ?, 'sv', 'submitted', '2026-06-01T00:00:00Z', '2026-06-01', 1, 1, ?)`);
  const addScore = db.prepare('INSERT INTO response_scores (intervention_id, point, indicator_id, response_id, participant_id, round_id, score, gender, latest, latest_in_round) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 1)');
  const genders = ['woman', 'man', 'other_or_not_stated'];
  const perBatch = 20_000;
  for (let done = 0; done < responses; done += perBatch) {
    db.transaction(() => {
      for (let k = done; k < Math.min(responses, done + perBatch); k += 2) {
        const interventionId = ids[Math.floor((k / responses) * interventions)]!;
        const gender = genders[Math.floor(rng() * 2.1)]!;
        const participantId = Number(addParticipant.run(`B-${seed}-${k}`, interventionId, gender).lastInsertRowid);
        const level = 2 + rng() * 4;
        for (const [point, shift, round] of [['start', 0, 0], ['exit', 0.6, 1]] as const) {
          const roundId = roundsOf.get(interventionId)![round];
          const responseId = Number(addResponse.run(participantId, interventionId, point, roundId, instrument.id, instrument.version, gender).lastInsertRowid);
          for (const indicatorId of indicatorIds) {
            if (point === 'start' && indicatorId === 'satisfaction') continue;
            // Scores are item means: multiples of 1/2 or 1/3 on the 1–7 scale.
            const raw = Math.min(7, Math.max(1, level + shift + (rng() - 0.5) * 3));
            addScore.run(interventionId, point, indicatorId, responseId, participantId, roundId, Math.round(raw * 6) / 6, gender);
          }
        }
      }
    })();
  }
  return ids;
}
