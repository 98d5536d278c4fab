import seedrandom from 'seedrandom';
import { loadConfig } from '../config.js';
import type { AppContext } from '../context.js';
import { MissingInstrumentError, type InstrumentRegistry } from '../domain/instrument.js';
import type { MeasurementPoint } from '../domain/instrumentTypes.js';
import { luhnCheckDigit } from '../domain/organisationNumber.js';
import { hashPasswordSync } from '../security/password.js';
import { receiveSubmission } from '../services/nationalReceipt.js';
import { nationalSubmission } from '../services/nationalSubmission.js';
import { openDatabase, type Db } from '../storage/db.js';
import { createFederation, getFederation, setOrganisationNumber } from '../storage/federations.js';
import { createIntervention, setMeasurementPoint, type InterventionPoint } from '../storage/interventions.js';
import { listSubmissions } from '../storage/nationalSubmissions.js';
import { createParticipant, recordExit } from '../storage/participants.js';
import { createRound } from '../storage/rounds.js';
import { createUser, findUserByEmail } from '../storage/users.js';
import { answerQuestionnaire, DEMO_EXITS, DEMO_PASSWORD, normal, pick, type Rng } from './seed.js';

// The national demo (INDIKATOR_MODE=national with demo data): twelve made-up förbund answer for
// three years in a throw-away local installation in memory, each produces its yearly submission
// files the way a real one does (services/nationalSubmission.ts, checked against the schema), and
// the national installation receives them. No answer ever reaches the national database.

export const NATIONAL_DEMO_ACCOUNTS = [
  { email: 'nns@demo.example', name: 'Nina NNS', role: 'national' },
  { email: 'system@demo.example', name: 'Sam Systemadmin', role: 'system_admin' },
] as const;

/** Made-up förbund: how many participants a year each individual intervention takes, how much they improve. */
const FEDERATIONS: { name: string; interventions: number[]; effect: number; board: number }[] = [
  { name: 'Samordningsförbundet Norrdalen', interventions: [40, 22], effect: 0.8, board: 10 },
  { name: 'Samordningsförbundet Älvsbygden', interventions: [30], effect: 0.6, board: 8 },
  { name: 'Samordningsförbundet Kustlandet', interventions: [55, 18, 12], effect: 0.7, board: 12 },
  { name: 'Samordningsförbundet Skogsbygden', interventions: [16], effect: 0.3, board: 6 },
  { name: 'Samordningsförbundet Mälarstrand', interventions: [45, 35], effect: 0.9, board: 11 },
  { name: 'Samordningsförbundet Höglandet', interventions: [25], effect: 0.5, board: 7 },
  { name: 'Samordningsförbundet Slättbygd', interventions: [20, 9], effect: 0.4, board: 9 },
  { name: 'Samordningsförbundet Fjällsidan', interventions: [7], effect: 0.6, board: 5 },
  { name: 'Samordningsförbundet Sjölandet', interventions: [38], effect: 0.7, board: 10 },
  { name: 'Samordningsförbundet Bergslagen Väst', interventions: [28, 14], effect: 0.2, board: 8 },
  { name: 'Samordningsförbundet Östersidan', interventions: [50], effect: 1.0, board: 13 },
  { name: 'Samordningsförbundet Ådalen', interventions: [12], effect: 0.5, board: 4 },
];

/** A made-up organisation number of a samordningsförbund (2220xx-xxxx) with its check digit. */
export function demoOrganisationNumber(k: number): string {
  const nine = `2220${String(100 + k).padStart(3, '0')}${String(10 + ((k * 37) % 90)).padStart(2, '0')}`;
  return `${nine.slice(0, 6)}-${nine.slice(6)}${luhnCheckDigit(nine)}`;
}

const dateIn = (rng: Rng, year: number, fromMonth: number, toMonth: number) => {
  const month = fromMonth + Math.floor(rng() * (toMonth - fromMonth + 1));
  return `${year}-${String(month).padStart(2, '0')}-${String(1 + Math.floor(rng() * 28)).padStart(2, '0')}`;
};

/** One förbund's three years in the throw-away installation. */
function seedFederation(db: Db, instruments: InstrumentRegistry, rng: Rng, k: number, years: readonly number[]): number {
  const spec = FEDERATIONS[k]!;
  const federation = createFederation(db, spec.name);
  setOrganisationNumber(db, federation.id, demoOrganisationNumber(k));
  const participant = instruments.forGroup('participant').at(-1)!;
  const board = instruments.forGroup('board').at(-1)!;
  const staff = instruments.forGroup('staff').at(-1);
  const rounds = new Map(years.map((y) => [y, createRound(db, { federationId: federation.id, name: String(y), startsOn: `${y}-01-01`, endsOn: `${y}-12-31` })]));
  spec.interventions.forEach((perYear, n) => {
    const intervention = createIntervention(db, { federationId: federation.id, name: `Insats ${n + 1}`, kind: 'individual', targetGroup: null, startsOn: `${years[0]}-01-01` });
    const points = new Map<MeasurementPoint, InterventionPoint>((['start', 'exit'] as const).map((p) => [p, setMeasurementPoint(db, intervention.id, p, participant.id)]));
    for (const year of years) {
      const round = rounds.get(year)!;
      const count = Math.max(3, Math.round(perYear * (0.8 + rng() * 0.4)));
      for (let i = 0; i < count; i++) {
        const startedOn = dateIn(rng, year, 1, 6);
        const person = createParticipant(db, { interventionId: intervention.id, startedOn });
        const level = 3.3 + normal(rng) * 1.0;
        answerQuestionnaire(db, instruments, points.get('start')!, person.id, round.id, level, rng, true, startedOn);
        if (rng() < 0.75) {
          const exitedOn = dateIn(rng, year, 7, 12);
          answerQuestionnaire(db, instruments, points.get('exit')!, person.id, round.id, level + spec.effect + normal(rng) * 0.9, rng, true, exitedOn);
          recordExit(db, person.id, exitedOn, pick(rng, DEMO_EXITS));
        }
      }
    }
  });
  const yearly = (name: string, instrumentId: string, size: number, level: number) => {
    const intervention = createIntervention(db, { federationId: federation.id, name, kind: 'structural', targetGroup: null, startsOn: `${years[0]}-01-01` });
    const point = setMeasurementPoint(db, intervention.id, 'yearly', instrumentId);
    for (const year of years) {
      const n = Math.max(2, size + Math.round(normal(rng) * 1.5));
      for (let i = 0; i < n; i++) answerQuestionnaire(db, instruments, point, null, rounds.get(year)!.id, level + normal(rng) * 0.9, rng, true, dateIn(rng, year, 3, 11));
    }
  };
  yearly('Styrelseenkät', board.id, spec.board, 4.9);
  if (staff) yearly('Samverkansteamet', staff.id, Math.round(spec.board * 0.8), 4.6);
  return federation.id;
}

/** The twelve made-up förbund with their answers in `years`, in a local installation; their ids. */
export function seedDemoFederations(db: Db, instruments: InstrumentRegistry, seed: string, years: readonly number[]): number[] {
  const rng = seedrandom(seed);
  return db.transaction(() => FEDERATIONS.map((_, k) => seedFederation(db, instruments, rng, k, years)))();
}

export interface NationalDemoSummary { federations: number; files: number; years: number[] }

/**
 * Fills an empty national installation with the files of twelve made-up förbund for the three
 * calendar years before `today`, and the demo accounts. Returns null when it has files or accounts already.
 */
export function seedNationalDemo(db: Db, instruments: InstrumentRegistry, seed = 'indikator-national-demo', today = new Date()): NationalDemoSummary | null {
  if (listSubmissions(db).length > 0 || findUserByEmail(db, NATIONAL_DEMO_ACCOUNTS[0].email)) return null;
  if (!instruments.forGroup('participant').at(-1) || !instruments.forGroup('board').at(-1)) {
    throw new MissingInstrumentError('the national demo needs a participant and a board questionnaire in indicators/; put them back or start with INDIKATOR_DEMO=0');
  }
  const year = today.getUTCFullYear();
  const years = [year - 3, year - 2, year - 1];
  const local = openDatabase(':memory:');
  try {
    const ctx: AppContext = { db: local, instruments, config: loadConfig({}) };
    const ids = seedDemoFederations(local, instruments, seed, years);
    const passwordHash = hashPasswordSync(DEMO_PASSWORD);
    let files = 0;
    db.transaction(() => {
      for (const id of ids) {
        const federation = getFederation(local, id)!;
        for (const y of years) {
          const document = nationalSubmission(ctx, { ...federation, organisationNumber: federation.organisationNumber! }, y, `${y + 1}-02-15T09:00:00.000Z`);
          const receipt = receiveSubmission(db, JSON.stringify(document), { receivedBy: null, replace: false, today, audit: () => undefined });
          if (!receipt.ok) throw new Error(`demo submission ${federation.name} ${y} is refused: ${JSON.stringify(receipt.errors.slice(0, 3))}`);
          files++;
        }
      }
      for (const account of NATIONAL_DEMO_ACCOUNTS) {
        if (!findUserByEmail(db, account.email)) createUser(db, { email: account.email, name: account.name, passwordHash, isSystemAdmin: account.role === 'system_admin', isNational: account.role === 'national' });
      }
    }).immediate();
    return { federations: ids.length, files, years };
  } finally {
    local.close();
  }
}
