import type { AppContext } from '../context.js';
import { dimensionOptions } from '../domain/dimensions.js';
import { cellKey, demoRef, measureRef, orgRef, timeRef } from '../domain/figureCell.js';
import type { RespondentGroup } from '../domain/instrumentTypes.js';
import {
  buildSubmission, rowId, yearPeriod,
  type PublishedSum, type QuestionnaireCount, type SubmissionBin, type SubmissionDocument, type SubmissionInstrument, type SubmissionRow,
} from '../domain/nationalSubmission.js';
import { changedIndicatorIds } from '../domain/instrumentVersions.js';
import { readSubmissionFile } from '../forms/submissionFile.js';
import { APP_VERSION } from '../paths.js';
import type { Federation } from '../storage/federations.js';
import { listInterventions } from '../storage/interventions.js';
import { answerYears, periodQuestionnaires, periodScoreBins } from '../storage/population.js';
import { listRounds } from '../storage/rounds.js';
import { disclosurePlan } from './figures.js';

// A förbund's yearly submission to the national report: the counts of every year it has answers
// (storage/population.ts, "who counts" in a period), the förbund's own published figures as its
// disclosure plan shows them (services/figures.ts), planned and written by domain/nationalSubmission.ts.


/** The calendar years in which the förbund has answers, oldest first. */
export function submissionYears(ctx: AppContext, federationId: number): number[] {
  return answerYears(ctx.db, listInterventions(ctx.db, federationId).map((i) => i.id));
}

/** The submission of one calendar year, checked against its schema and rules; the förbund must have its organisation number. */
export function nationalSubmission(ctx: AppContext, federation: Federation & { organisationNumber: string }, year: number, producedAt = new Date().toISOString()): SubmissionDocument {
  const db = ctx.db;
  const interventions = listInterventions(db, federation.id);
  const ids = interventions.map((i) => i.id);
  const kindOf = new Map(interventions.map((i) => [i.id, i.kind]));
  const groupOf = (instrumentId: string): RespondentGroup | undefined => ctx.instruments.get(instrumentId)?.respondentGroup;
  const years = [...new Set([...answerYears(db, ids), year])].sort((a, b) => a - b);

  const bins: SubmissionBin[] = [];
  const questionnaires: QuestionnaireCount[] = [];
  const interventionCounts: (SubmissionRow & { year: number; n: number })[] = [];
  /** The interventions of each row, in any year. */
  const members = new Map<string, Set<number>>();
  const versions = new Map<string, { id: string; version: string }>();
  /** Per row, the instrument versions answered in the year submitted. */
  const rowVersions = new Map<string, Map<string, Set<string>>>();
  const rowOf = (interventionId: number, instrumentId: string): SubmissionRow | null => {
    const group = groupOf(instrumentId);
    const kind = kindOf.get(interventionId);
    if (!group || !kind) return null;
    const row = { respondentGroup: group, interventionKind: kind };
    let set = members.get(rowId(row));
    if (!set) members.set(rowId(row), (set = new Set()));
    set.add(interventionId);
    return row;
  };
  for (const y of years) {
    const period = yearPeriod(y);
    const summed = new Map<string, SubmissionBin>();
    for (const b of periodScoreBins(db, ids, period)) {
      const row = rowOf(b.interventionId, b.instrumentId);
      if (!row) continue;
      const key = `${rowId(row)}|${b.point}|${b.indicatorId}|${b.gender ?? ''}|${b.score}`;
      const bin = summed.get(key);
      if (bin) bin.count += b.count;
      else summed.set(key, { ...row, year: y, point: b.point, indicatorId: b.indicatorId, gender: b.gender, score: b.score, count: b.count });
    }
    bins.push(...summed.values());
    const perRow = new Map<string, { row: SubmissionRow; n: number; interventions: Set<number> }>();
    for (const q of periodQuestionnaires(db, ids, period)) {
      const row = rowOf(q.interventionId, q.instrumentId);
      if (!row) continue;
      if (y === year) {
        versions.set(`${q.instrumentId}@${q.instrumentVersion}`, { id: q.instrumentId, version: q.instrumentVersion });
        const byInstrument = rowVersions.get(rowId(row)) ?? new Map<string, Set<string>>();
        byInstrument.set(q.instrumentId, (byInstrument.get(q.instrumentId) ?? new Set()).add(q.instrumentVersion));
        rowVersions.set(rowId(row), byInstrument);
      }
      const entry = perRow.get(rowId(row)) ?? { row, n: 0, interventions: new Set<number>() };
      entry.n += q.n;
      entry.interventions.add(q.interventionId);
      perRow.set(rowId(row), entry);
    }
    for (const { row, n, interventions: set } of perRow.values()) {
      questionnaires.push({ ...row, year: y, n });
      interventionCounts.push({ ...row, year: y, n: set.size });
    }
  }

  const document = buildSubmission({
    federationId: federation.id,
    federation: { organisationNumber: federation.organisationNumber, name: federation.name },
    year, producedAt, softwareVersion: APP_VERSION,
    bins, questionnaires, interventions: interventionCounts,
    published: publishedSums(ctx, federation.id, bins, members, years),
    instruments: [...versions.values()].map((v) => submissionInstrument(ctx, v.id, v.version)),
    notComparable: new Map([...rowVersions].map(([row, byInstrument]) => [row, changedIndicatorIds(ctx.instruments, byInstrument, (id) => (ctx.instruments.get(id)?.indicators ?? []).map((i) => i.id))])),
  });
  // Checked as the national side will check it before it can leave: a file that fails is a fault here, never sent.
  const checked = readSubmissionFile(JSON.stringify(document));
  if (!checked.ok) throw new Error(`the submission does not pass its own schema: ${JSON.stringify(checked.errors.slice(0, 3))}`);
  return document;
}

/**
 * What the förbund's own pages show of each submission figure, summed over the row's
 * interventions: everything so far, and each round that overlaps one of the years. Known when
 * every intervention's figure is shown, or (individual interventions) when the förbund's own
 * figure is shown and holds the same people.
 */
function publishedSums(ctx: AppContext, federationId: number, bins: readonly SubmissionBin[], members: ReadonlyMap<string, ReadonlySet<number>>, years: readonly number[]): PublishedSum[] {
  const plan = disclosurePlan(ctx);
  const rounds = listRounds(ctx.db, federationId);
  const figures = new Map<string, { row: SubmissionRow; measure: string; demos: Set<string> }>();
  for (const b of bins) {
    const measure = measureRef.score(b.indicatorId, b.point);
    const key = `${rowId(b)}|${measure}`;
    const entry = figures.get(key) ?? { row: { respondentGroup: b.respondentGroup, interventionKind: b.interventionKind }, measure, demos: new Set(['all']) };
    entry.demos.add(demoRef({ gender: b.gender }));
    figures.set(key, entry);
  }
  const out: PublishedSum[] = [];
  for (const { row, measure, demos } of figures.values()) {
    const interventions = [...(members.get(rowId(row)) ?? [])];
    for (const demo of demos) {
      const sumOf = (time: string) => {
        let n = 0;
        let shown = true;
        for (const id of interventions) {
          const key = cellKey(measure, orgRef.intervention(id), demo, time);
          const size = plan.n(key);
          n += size;
          if (size > 0 && plan.reason(key) !== null) shown = false;
        }
        // The förbund's own figure is the sum of its individual interventions: when it holds the same people, it tells the sum.
        const federationCell = cellKey(measure, orgRef.federation(federationId), demo, time);
        if (row.interventionKind === 'individual' && plan.n(federationCell) === n && plan.reason(federationCell) === null) shown = true;
        return { n, shown };
      };
      out.push({ ...row, measure, demo, round: null, ...sumOf('all') });
      for (const r of rounds) {
        const overlapped = years.filter((y) => r.startsOn < yearPeriod(y).to && r.endsOn >= yearPeriod(y).from);
        if (overlapped.length === 0) continue;
        const inRound = sumOf(timeRef(r.id));
        if (inRound.n > 0) out.push({ ...row, measure, demo, round: { id: r.id, years: overlapped }, ...inRound });
      }
    }
  }
  return out;
}

/** An instrument as the file names it: its indicators' and genders' texts, so the national side can label what it never installed. */
function submissionInstrument(ctx: AppContext, id: string, version: string): SubmissionInstrument {
  const instrument = ctx.instruments.get(id, version) ?? ctx.instruments.get(id)!;
  return {
    id, version, respondentGroup: instrument.respondentGroup,
    indicators: instrument.indicators.map((i) => ({ id: i.id, text: i.text })),
    genders: dimensionOptions(instrument, 'gender').map((o) => ({ value: o.value, text: o.text })),
  };
}
