import seedrandom from 'seedrandom';
import { MissingInstrumentError, sectionsForPoint, type InstrumentRegistry } from '../domain/instrument.js';
import type { Item, MeasurementPoint } from '../domain/instrumentTypes.js';
import { dimensionsOf } from '../domain/dimensions.js';
import { scoreResponse, type Answer } from '../domain/scoring.js';
import { issueAccessCodes } from '../storage/accessCodes.js';
import type { Db } from '../storage/db.js';
import { createFederation, listFederations, setOrganisationNumber } from '../storage/federations.js';
import { createIntervention, setInterventionSubproject, setMeasurementPoint, type InterventionPoint } from '../storage/interventions.js';
import { createParticipant, recordExit } from '../storage/participants.js';
import { addProjectMember, addProjectTarget, createProject, createSubproject } from '../storage/projects.js';
import { createRound, type MeasurementRound } from '../storage/rounds.js';
import { getResponse, saveAnswers, startResponse, submitResponse } from '../storage/responses.js';
import { hashPasswordSync } from '../security/password.js';
import { assignStaff, createUser, findUserByEmail, grantRole, type FederationRole } from '../storage/users.js';

/** The demo förbund's made-up organisation number (the key of its national submission). */
export const DEMO_ORGANISATION_NUMBER = '222000-1230';

/** Demo accounts, one per role (demo data only; listed in the README). */
export const DEMO_PASSWORD = 'Indikator-demo-2026';
export const DEMO_ACCOUNTS: { email: string; name: string; role: FederationRole | 'system_admin' }[] = [
  { email: 'system@demo.example', name: 'Sam Systemadmin', role: 'system_admin' },
  { email: 'admin@demo.example', name: 'Anna Förbundsadmin', role: 'federation_admin' },
  { email: 'personal@demo.example', name: 'Petra Personal', role: 'staff' },
  { email: 'utvarderare@demo.example', name: 'Ulf Utvärderare', role: 'evaluator' },
  { email: 'styrelse@demo.example', name: 'Stina Styrelse', role: 'board' },
];

export type Rng = () => number;

/** Standard normal draw from two uniforms (Box–Muller); demo data only. */
export function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

export const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;

const COMMENTS = [
  'Bra att få träffa samma handledare varje vecka.',
  'Jag vill ha mer hjälp med att hitta praktik.',
  'Det var svårt att komma i tid på morgonen.',
  'Personalen lyssnade på mig.',
];

interface DemoIntervention {
  name: string;
  targetGroup: string;
  points: MeasurementPoint[];
  participants: number;
  /** Mean change on the 1–7 scale from start to exit, and its spread between people. */
  effect: number;
  spread: number;
}

const INTERVENTIONS: DemoIntervention[] = [
  { name: 'Steg till arbete (IPS)', targetGroup: 'Personer med psykisk ohälsa som vill arbeta', points: ['start', 'ongoing', 'exit'], participants: 60, effect: 0.9, spread: 0.9 },
  { name: 'Unga vuxna i fokus', targetGroup: 'Unga 18–29 år med aktivitetsersättning', points: ['start', 'exit'], participants: 52, effect: 0.5, spread: 1.0 },
  { name: 'Hälsa och arbete', targetGroup: 'Långtidssjukskrivna', points: ['start', 'exit'], participants: 38, effect: 0.1, spread: 0.8 },
];

/** The demo's exits, weighted: work comes twice. */
export const DEMO_EXITS = ['work', 'studies', 'work', 'other_intervention', 'ended_early', 'job_seeking'];

function answerItem(rng: Rng, item: Item, level: number): Answer | null {
  if (rng() < 0.03) return null;
  if (item.dontKnow && rng() < 0.05) return { itemId: item.id, num: null, text: null, dontKnow: true };
  switch (item.type) {
    case 'agree7': {
      const raw = Math.round(Math.min(7, Math.max(1, level + normal(rng) * 0.8)));
      return { itemId: item.id, num: item.reversed ? 8 - raw : raw, text: null, dontKnow: false };
    }
    case 'single':
      return { itemId: item.id, num: null, text: pick(rng, item.options!).value, dontKnow: false };
    case 'multi':
      return { itemId: item.id, num: null, text: JSON.stringify([pick(rng, item.options!).value]), dontKnow: false };
    case 'number': {
      const lo = item.min ?? 0;
      const hi = item.max ?? lo + 10;
      return { itemId: item.id, num: Math.round(lo + rng() * (hi - lo)), text: null, dontKnow: false };
    }
    case 'text':
      return rng() < 0.15 ? { itemId: item.id, num: null, text: pick(rng, COMMENTS), dontKnow: false } : null;
  }
}

/** One questionnaire answered with a fresh code; `participantId` null answers anonymously (a yearly questionnaire). */
export function answerQuestionnaire(
  db: Db, instruments: InstrumentRegistry, point: InterventionPoint, participantId: number | null, roundId: number, level: number, rng: Rng, submit: boolean, submittedOn?: string,
): void {
  const instrument = instruments.get(point.instrumentId)!;
  const [code] = issueAccessCodes(db, { measurementPointId: point.id, participantIds: [participantId], roundId });
  const response = startResponse(db, {
    code: code!, participantId, interventionId: point.interventionId, point: point.point, roundId,
    instrumentId: instrument.id, instrumentVersion: instrument.version, language: rng() < 0.9 ? 'sv' : 'en',
  });
  const sections = sectionsForPoint(instrument, point.point);
  const answers = sections.flatMap((s) => s.items).map((item) => answerItem(rng, item, level)).filter((a): a is Answer => a !== null);
  saveAnswers(db, response.id, answers, [], submit ? sections.length + 1 : Math.ceil(sections.length / 2));
  if (!submit) return;
  const byItem = new Map(answers.map((a) => [a.itemId, a]));
  submitResponse(db, getResponse(db, response.id)!, scoreResponse(instrument, point.point, byItem), dimensionsOf(instrument, byItem), submittedOn);
}

/**
 * One demo intervention of a federation: participants in two rounds who answer at start, some
 * midway, most at exit, and then leave with an exit status.
 */
function seedIntervention(
  db: Db, instruments: InstrumentRegistry, rng: Rng,
  opts: { federationId: number; spec: DemoIntervention; rounds: [MeasurementRound, MeasurementRound]; instrumentId: string },
): { interventionId: number; openCodes: string[] } {
  const { spec, rounds: [older, newer] } = opts;
  const openCodes: string[] = [];
  const intervention = createIntervention(db, { federationId: opts.federationId, name: spec.name, kind: 'individual', targetGroup: spec.targetGroup, startsOn: opts.rounds[0].startsOn });
  const points = spec.points.map((p) => setMeasurementPoint(db, intervention.id, p, opts.instrumentId));
  for (let i = 0; i < spec.participants; i++) {
    const round = i % 2 === 0 ? older : newer;
    const participant = createParticipant(db, { interventionId: intervention.id, startedOn: round.startsOn });
    const startLevel = 3.4 + normal(rng) * 1.0;
    const change = spec.effect + normal(rng) * spec.spread;
    const reachesExit = rng() < 0.78;
    for (const point of points) {
      if (point.point === 'start') answerQuestionnaire(db, instruments, point, participant.id, round.id, startLevel, rng, true);
      else if (point.point === 'ongoing' && rng() < 0.6) answerQuestionnaire(db, instruments, point, participant.id, round.id, startLevel + change / 2, rng, true);
      else if (point.point === 'exit' && reachesExit) answerQuestionnaire(db, instruments, point, participant.id, round.id, startLevel + change, rng, rng() < 0.95);
    }
    if (reachesExit) recordExit(db, participant.id, round.endsOn, pick(rng, DEMO_EXITS));
    else if (i % 10 === 1) openCodes.push(...issueAccessCodes(db, { measurementPointId: points.at(-1)!.id, participantIds: [participant.id], roundId: round.id }));
  }
  return { interventionId: intervention.id, openCodes };
}

/**
 * The two most recent half-years that have ended by `today` (e.g. Höst 2025 and Vår 2026 on
 * 2026-11-25), so every demo exit date lies in the past and inside a report's default 12 months.
 */
export function demoRoundPeriods(today: Date): [{ name: string; startsOn: string; endsOn: string }, { name: string; startsOn: string; endsOn: string }] {
  const half = (year: number, second: boolean) => ({
    name: `${second ? 'Höst' : 'Vår'} ${year}`,
    startsOn: `${year}-${second ? '07-01' : '01-01'}`,
    endsOn: `${year}-${second ? '12-31' : '06-30'}`,
  });
  const year = today.getUTCFullYear();
  const inSecondHalf = today.getUTCMonth() >= 6;
  const newer = inSecondHalf ? half(year, false) : half(year - 1, true);
  const older = inSecondHalf ? half(year - 1, true) : half(year - 1, false);
  return [older, newer];
}

function createDemoRounds(db: Db, federationId: number, today: Date): [MeasurementRound, MeasurementRound] {
  const [older, newer] = demoRoundPeriods(today);
  return [createRound(db, { federationId, ...older }), createRound(db, { federationId, ...newer })];
}

/** The two other federations of the demo region, one intervention each. */
const REGIONAL_FEDERATIONS: { name: string; subproject: string; intervention: DemoIntervention }[] = [
  {
    name: 'Samordningsförbundet Åsby', subproject: 'Delprojekt Åsby',
    intervention: { name: 'Vägen vidare Åsby', targetGroup: 'Unga 16–29 år som varken arbetar eller studerar', points: ['start', 'exit'], participants: 36, effect: 0.7, spread: 0.9 },
  },
  {
    name: 'Samordningsförbundet Sjöbygden', subproject: 'Delprojekt Sjöbygden',
    intervention: { name: 'Vägen vidare Sjöbygden', targetGroup: 'Personer som länge har stått långt från arbetsmarknaden', points: ['start', 'exit'], participants: 30, effect: 0.4, spread: 1.0 },
  },
];

/**
 * The regional project "Vägen vidare (ESF)": the demo federation and two more, one delprojekt
 * each with their interventions linked, two outcome targets (competence development counts the
 * exit statuses studies and other intervention, see domain/projectReport.ts), and the demo board
 * member in the steering group. Its own random stream, so the first federation's data stay as they were.
 */
function seedRegionalProject(db: Db, instruments: InstrumentRegistry, rng: Rng, home: { federationId: number; interventionIds: number[]; instrumentId: string; today: Date }): void {
  const [first] = demoRoundPeriods(home.today);
  const project = createProject(db, { name: 'Vägen vidare (ESF)', startsOn: first.startsOn, endsOn: `${Number(first.startsOn.slice(0, 4)) + 2}${first.startsOn.slice(4)}` });
  const link = (federationId: number, name: string, interventionIds: number[]) => {
    const subproject = createSubproject(db, { projectId: project.id, federationId, name });
    for (const id of interventionIds) setInterventionSubproject(db, id, subproject.id);
  };
  link(home.federationId, 'Delprojekt Exempeldalen', home.interventionIds);
  for (const regional of REGIONAL_FEDERATIONS) {
    const federation = createFederation(db, regional.name);
    const seeded = seedIntervention(db, instruments, rng, { federationId: federation.id, spec: regional.intervention, rounds: createDemoRounds(db, federation.id, home.today), instrumentId: home.instrumentId });
    link(federation.id, regional.subproject, [seeded.interventionId]);
  }
  addProjectTarget(db, { projectId: project.id, label: '300 deltagare till arbete eller studier', kind: 'work_or_studies', exitStatuses: null, target: 300 });
  addProjectTarget(db, { projectId: project.id, label: '200 i kompetensutveckling', kind: 'competence', exitStatuses: null, target: 200 });
  addProjectMember(db, project.id, findUserByEmail(db, 'styrelse@demo.example')!.id);
}

/**
 * The board's yearly questionnaire, set up as a structural intervention: anonymous codes (no
 * participant), a dozen submitted in the newer round and two still unanswered. Its own random
 * stream, so the rest of the demo data stay as they were.
 */
function seedBoardQuestionnaire(db: Db, instruments: InstrumentRegistry, rng: Rng, opts: { federationId: number; round: MeasurementRound }): void {
  const board = instruments.forGroup('board').at(-1)!;
  const intervention = createIntervention(db, { federationId: opts.federationId, name: 'Styrelseenkät', kind: 'structural', targetGroup: 'Förbundets styrelse: ledamöter och ersättare', startsOn: opts.round.startsOn });
  const point = setMeasurementPoint(db, intervention.id, 'yearly', board.id);
  for (let i = 0; i < 12; i++) answerQuestionnaire(db, instruments, point, null, opts.round.id, 4.8 + normal(rng) * 0.9, rng, true);
  issueAccessCodes(db, { measurementPointId: point.id, count: 2, roundId: opts.round.id });
}

export interface DemoSummary { federationId: number; interventionIds: number[]; participants: number; openCodes: string[] }

/** How long seeding waits for another process seeding or migrating the same file (two servers started at once). */
const SEED_LOCK_WAIT_MS = 30_000;

/**
 * Fills an empty database with one federation, three interventions and ~150 participants whose
 * start and exit answers look real: most improve a little, some do not, some never reach exit;
 * plus the board's anonymous yearly questionnaire. Deterministic for a given seed (except the
 * random codes and pseudonyms). Returns null when the database has data already.
 *
 * The check for an empty database and the seeding are one transaction holding the write lock
 * (BEGIN IMMEDIATE), so of two servers starting at once on a new file one seeds and the other
 * waits and finds the data there. Throws a MissingInstrumentError, before writing anything, when
 * the participant or board questionnaire the demo answers is not installed.
 */
export function seedDemo(db: Db, instruments: InstrumentRegistry, seed = 'indikator-demo', today = new Date()): DemoSummary | null {
  if (listFederations(db).length > 0) return null;
  const participantInstrument = instruments.forGroup('participant').at(-1);
  const boardInstrument = instruments.forGroup('board').at(-1);
  if (!participantInstrument || !boardInstrument) {
    const missing = [participantInstrument ? null : 'participant', boardInstrument ? null : 'board'].filter((g) => g !== null);
    throw new MissingInstrumentError(`the demo data need a ${missing.join(' and a ')} questionnaire in indicators/ (an instrument file with "respondentGroup": ${missing.map((g) => `"${g}"`).join(' / ')}), and none is installed; put it back or start with INDIKATOR_DEMO=0`);
  }
  const rng = seedrandom(seed);
  const passwordHash = hashPasswordSync(DEMO_PASSWORD);
  const busyTimeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma(`busy_timeout = ${Math.max(busyTimeout, SEED_LOCK_WAIT_MS)}`);
  try {
    return db.transaction(() => {
      if (listFederations(db).length > 0) return null;
      const federation = createFederation(db, 'Samordningsförbundet Exempeldalen');
      setOrganisationNumber(db, federation.id, DEMO_ORGANISATION_NUMBER);
      const rounds = createDemoRounds(db, federation.id, today);
      const interventionIds: number[] = [];
      const openCodes: string[] = [];
      let participants = 0;
      for (const spec of INTERVENTIONS) {
        const seeded = seedIntervention(db, instruments, rng, { federationId: federation.id, spec, rounds, instrumentId: participantInstrument.id });
        interventionIds.push(seeded.interventionId);
        participants += spec.participants;
        openCodes.push(...seeded.openCodes);
      }
      for (const account of DEMO_ACCOUNTS) {
        const user = createUser(db, { email: account.email, name: account.name, passwordHash, isSystemAdmin: account.role === 'system_admin' });
        if (account.role === 'system_admin') continue;
        grantRole(db, user.id, federation.id, account.role);
        if (account.role === 'staff') for (const id of interventionIds) assignStaff(db, user.id, id);
      }
      seedRegionalProject(db, instruments, seedrandom(`${seed}-region`), { federationId: federation.id, interventionIds, instrumentId: participantInstrument.id, today });
      seedBoardQuestionnaire(db, instruments, seedrandom(`${seed}-board`), { federationId: federation.id, round: rounds[1] });
      return { federationId: federation.id, interventionIds, participants, openCodes };
    }).immediate();
  } finally {
    db.pragma(`busy_timeout = ${busyTimeout}`);
  }
}
