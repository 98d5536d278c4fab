import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { loadInstruments } from '../../server/domain/instrument.js';
import { PATHS } from '../../server/paths.js';
import { openDatabase, type Db } from '../../server/storage/db.js';
import { eraseParticipant } from '../../server/storage/privacy.js';
import { getResponse, startResponse, submitResponse } from '../../server/storage/responses.js';
import { randomInstallation } from '../helpers/randomInstallation.js';

// The counted cells (migration 009) are kept by triggers at every write; here they are compared,
// after writes of every kind, with the same counts made afresh from the score rows.

const instruments = loadInstruments(PATHS.indicators);

function freshScoreCells(db: Db): unknown[] {
  return db.prepare(
    `SELECT intervention_id, point, indicator_id, coalesce(gender, '') AS gender, coalesce(age_band, '') AS age_band, coalesce(round_id, 0) AS round_id, score,
       sum(latest) AS in_all, sum(latest_in_round) AS in_round
     FROM response_scores WHERE latest = 1 OR latest_in_round = 1 GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7`,
  ).all();
}

function keptScoreCells(db: Db): unknown[] {
  return db.prepare('SELECT * FROM score_cells WHERE in_all <> 0 OR in_round <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7').all();
}

function freshPairCells(db: Db): unknown[] {
  return db.prepare(
    `SELECT intervention_id, indicator_id, from_point, to_point, gender, age_band, round_id, score_before, score_after, sum(in_all) AS in_all, sum(in_round) AS in_round
     FROM counted_pairs GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9`,
  ).all();
}

function keptPairCells(db: Db): unknown[] {
  return db.prepare('SELECT * FROM pair_cells WHERE in_all <> 0 OR in_round <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9').all();
}

function expectCellsCurrent(db: Db, when: string): void {
  const scores = freshScoreCells(db);
  const pairs = freshPairCells(db);
  expect(scores.length, `${when}: score cells`).to.be.greaterThan(0);
  expect(keptScoreCells(db), `${when}: score cells`).to.deep.equal(scores);
  expect(keptPairCells(db), `${when}: pair cells`).to.deep.equal(pairs);
  const negative = db.prepare('SELECT (SELECT count(*) FROM score_cells WHERE in_all < 0 OR in_round < 0) + (SELECT count(*) FROM pair_cells WHERE in_all < 0 OR in_round < 0)').pluck().get();
  expect(negative, `${when}: no count below zero`).to.equal(0);
}

describe('counted cells kept current by the database', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'indikator-cells-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const seed of ['ett', 'två', 'tre']) {
    it(`equal a fresh count after submits, late paper answers, changed dimensions and erasures (installation "${seed}")`, () => {
      const db = openDatabase(path.join(dir, `${seed}.sqlite`));
      try {
        randomInstallation(db, instruments, seed);
        expectCellsCurrent(db, 'after the answers');
        const rng = seedrandom(seed);
        type Person = { id: number; interventionId: number; roundId: number | null };
        const people = db.prepare(
          `SELECT p.id, p.intervention_id AS interventionId, max(r.round_id) AS roundId FROM participants p JOIN responses r ON r.participant_id = p.id AND r.status = 'submitted'
           GROUP BY p.id ORDER BY p.id`,
        ).all() as Person[];
        const participant = instruments.get('participant')!;
        const answer = (who: Person, point: 'start' | 'exit', on: string, gender: string | null) => {
          const response = startResponse(db, { code: null, participantId: who.id, interventionId: who.interventionId, point, roundId: who.roundId, instrumentId: participant.id, instrumentVersion: participant.version, language: 'sv' });
          const scores = participant.indicators.filter(() => rng() < 0.8).map((i) => ({ indicatorId: i.id, score: 1 + Math.floor(rng() * 13) / 2 }));
          submitResponse(db, response, scores, { gender, ageBand: null }, on);
          return getResponse(db, response.id)!;
        };
        // A paper form dated before the answers already in (it does not become the latest), one dated after (it does),
        // and a start answer that gives another gender (every earlier row of the person moves to the new cell).
        for (const who of people.filter(() => rng() < 0.3)) answer(who, 'exit', '2020-01-01', null);
        for (const who of people.filter(() => rng() < 0.3)) answer(who, 'exit', '2030-06-01', null);
        for (const who of people.filter(() => rng() < 0.2)) answer(who, 'start', '2031-01-01', rng() < 0.5 ? 'man' : 'woman');
        expectCellsCurrent(db, 'after later and earlier answers');
        for (const who of people.filter(() => rng() < 0.15)) eraseParticipant(db, who.id, { userId: null, actor: 'test', ip: null });
        expectCellsCurrent(db, 'after erasures');
      } finally {
        db.close();
      }
    });
  }

  it('refuses to move a score row to another person, response or indicator', () => {
    const db = openDatabase(path.join(dir, 'identity.sqlite'));
    try {
      randomInstallation(db, instruments, 'identity');
      expect(() => db.prepare('UPDATE response_scores SET participant_id = participant_id + 1 WHERE response_id = (SELECT response_id FROM response_scores WHERE participant_id IS NOT NULL LIMIT 1)').run()).to.throw(/keeps its response/);
    } finally {
      db.close();
    }
  });
});
