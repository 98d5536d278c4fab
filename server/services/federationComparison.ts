import type { AppContext } from '../context.js';
import type { AnalysisQuery } from '../forms/analysisQuery.js';
import { compareGroups, expandBins, groupStats, type ComparisonStats, type GroupStats } from '../domain/comparison.js';
import { cellKey, measureRef, orgRef, timeRef } from '../domain/figureCell.js';
import { chooseIndicator } from '../domain/instrument.js';
import type { Indicator, Instrument, MeasurementPoint } from '../domain/instrumentTypes.js';
import type { SuppressionReason } from '../domain/suppression.js';
import { listInterventions, type Intervention } from '../storage/interventions.js';
import { scoreBins } from '../storage/population.js';
import { listRounds, type MeasurementRound } from '../storage/rounds.js';
import { binsBy, demoOf, disclosurePlan, readScope, reasonOf, scopeInstrument, timeOf, type ScopeInstrument } from './figures.js';
import { personScopeOf } from './interventionSummary.js';

export interface FederationComparison {
  instrument: Instrument | undefined;
  /** The versions the interventions' answers were given in; an indicator that changed between them is shown nowhere on the page. */
  scoped: ScopeInstrument | undefined;
  interventions: Intervention[];
  indicators: Indicator[];
  indicatorId: string;
  point: MeasurementPoint;
  /** Whether the indicator is asked at the point at all. */
  asked: boolean;
  /** One indicator at one point, per intervention. */
  sideBySide: GroupStats[];
  selected: Intervention | undefined;
  /** The selected intervention against all others of the federation (diff = selected − others). */
  versusOthers: ComparisonStats | null;
  /** The name of the others' group: the federation's cell minus the selected one's. */
  othersCell: string | null;
  rounds: MeasurementRound[];
  /** Per intervention, the indicator per measurement round (each person once per round). */
  trend: { intervention: Intervention; cells: GroupStats[] }[];
  lastTwo: MeasurementRound[];
  /** The selected intervention's last round against the one before (diff = last − previous). */
  roundComparison: ComparisonStats | null;
}

/** The federation's individual interventions compared on one indicator: side by side, against the rest, and over rounds. */
export function federationComparison(ctx: AppContext, federationId: number, q: AnalysisQuery): FederationComparison {
  const interventions = listInterventions(ctx.db, federationId).filter((i) => i.kind === 'individual');
  const participant = ctx.instruments.forGroup('participant').at(-1);
  const scoped = participant && scopeInstrument(ctx, participant.id, interventions.map((i) => i.id));
  const instrument = scoped?.instrument;
  const { indicators, indicatorId, point, asked } = chooseIndicator(instrument, q.indicator, q.point);
  const comparable = scoped?.comparable(indicatorId) ?? true;
  const plan = disclosurePlan(ctx);
  const s = personScopeOf(q);
  const demo = demoOf(s);
  const org = { org: orgRef.federation(federationId), interventionIds: interventions.map((i) => i.id) };
  const measure = measureRef.score(indicatorId, point);
  const ofCell = (rows: ReturnType<typeof scoreBins>) => rows.filter((r) => r.indicatorId === indicatorId && r.point === point);

  const bins = binsBy(ofCell(scoreBins(ctx.db, readScope(org, s), { intervention: true })), (r) => String(r.interventionId), (r) => r.score);
  const key = (i: Intervention, time: string) => cellKey(measure, orgRef.intervention(i.id), demo, time);
  const sideBySide = interventions.map((i) => groupStats(String(i.id), key(i, timeOf(s)), bins.get(String(i.id)) ?? [], reasonOf(plan, key(i, timeOf(s)), asked, comparable)));

  const selected = interventions.find((i) => i.id === q.intervention) ?? interventions[0];
  let versusOthers: ComparisonStats | null = null;
  const othersCell = selected ? cellKey(measure, orgRef.others(federationId, selected.id), demo, timeOf(s)) : null;
  if (selected && othersCell && interventions.length > 1) {
    const others = interventions.filter((i) => i !== selected).flatMap((i) => expandBins(bins.get(String(i.id)) ?? []));
    const reason: SuppressionReason | null = reasonOf(plan, othersCell, asked, comparable) ?? plan.reason(key(selected, timeOf(s)));
    versusOthers = compareGroups(others, expandBins(bins.get(String(selected.id)) ?? []), reason);
  }

  const rounds = listRounds(ctx.db, federationId);
  const byRound = binsBy(ofCell(scoreBins(ctx.db, readScope(org, s, 'each'), { intervention: true, round: true })), (r) => `${r.interventionId}|${r.roundId}`, (r) => r.score);
  const roundCell = (i: Intervention, r: MeasurementRound) => {
    const name = key(i, timeRef(r.id));
    return groupStats(String(r.id), name, byRound.get(`${i.id}|${r.id}`) ?? [], reasonOf(plan, name, asked, comparable));
  };
  const trend = interventions.map((i) => ({ intervention: i, cells: rounds.map((r) => roundCell(i, r)) }));
  const lastTwo = rounds.slice(-2);
  let roundComparison: ComparisonStats | null = null;
  if (selected && lastTwo.length === 2) {
    const [a, b] = lastTwo.map((r) => roundCell(selected, r)) as [GroupStats, GroupStats];
    const values = (r: MeasurementRound) => expandBins(byRound.get(`${selected.id}|${r.id}`) ?? []);
    roundComparison = compareGroups(values(lastTwo[0]!), values(lastTwo[1]!), a.suppressionReason ?? b.suppressionReason);
  }
  return { instrument, scoped, interventions, indicators, indicatorId, point, asked, selected, rounds, lastTwo, sideBySide, versusOthers, othersCell, trend, roundComparison };
}
