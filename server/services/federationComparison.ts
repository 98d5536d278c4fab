import type { AppContext } from '../context.js';
import type { AnalysisQuery } from '../domain/analysisQuery.js';
import { compareGroups, describeGroups, type ComparisonStats, type GroupStats } from '../domain/comparison.js';
import type { Indicator, Instrument } from '../domain/instrumentTypes.js';
import { federationIndicatorScores, roundScores } from '../storage/analysis.js';
import { listInterventions, type Intervention } from '../storage/interventions.js';
import { listRounds, type MeasurementRound } from '../storage/rounds.js';

export interface FederationComparison {
  instrument: Instrument | undefined;
  interventions: Intervention[];
  indicators: Indicator[];
  indicatorId: string;
  point: string;
  /** One indicator at one point, per intervention. */
  sideBySide: GroupStats[];
  selected: Intervention | undefined;
  /** The selected intervention against all others of the federation (diff = selected − others). */
  versusOthers: ComparisonStats | null;
  rounds: MeasurementRound[];
  /** Per intervention, the indicator per measurement round. */
  trend: { intervention: Intervention; cells: GroupStats[] }[];
  lastTwo: MeasurementRound[];
  /** The selected intervention's last round against the one before (diff = last − previous). */
  roundComparison: ComparisonStats | null;
}

/** The federation's individual interventions compared on one indicator: side by side, against the rest, and over rounds. */
export function federationComparison(ctx: AppContext, federationId: number, q: AnalysisQuery): FederationComparison {
  const interventions = listInterventions(ctx.db, federationId).filter((i) => i.kind === 'individual');
  const instrument = ctx.instruments.forGroup('participant').at(-1);
  const indicators = instrument?.indicators ?? [];
  const indicatorId = q.indicator ?? indicators[0]?.id ?? '';
  const point = q.point ?? 'exit';
  const filter = { roundId: q.round, gender: q.gender, ageBand: q.ageBand };
  const scores = federationIndicatorScores(ctx.db, federationId, point, indicatorId, filter);
  const selected = interventions.find((i) => i.id === q.intervention) ?? interventions[0];
  const of = (keep: (key: string) => boolean) => scores.filter((s) => keep(s.key)).map((s) => s.score);
  const rounds = listRounds(ctx.db, federationId);
  const byRound = interventions.map((i) => ({ intervention: i, scores: roundScores(ctx.db, i.id, point, indicatorId, filter) }));
  const lastTwo = rounds.slice(-2);
  const selectedScores = byRound.find((t) => t.intervention.id === selected?.id)?.scores ?? [];
  const inRound = (round: MeasurementRound) => selectedScores.filter((s) => s.key === String(round.id)).map((s) => s.score);
  return {
    instrument, interventions, indicators, indicatorId, point, selected, rounds, lastTwo,
    sideBySide: describeGroups(scores, interventions.map((i) => String(i.id))),
    versusOthers: selected ? compareGroups(of((k) => k !== String(selected.id)), of((k) => k === String(selected.id))) : null,
    trend: byRound.map((t) => ({ intervention: t.intervention, cells: describeGroups(t.scores, rounds.map((r) => String(r.id))) })),
    roundComparison: selected && lastTwo.length === 2 ? compareGroups(inRound(lastTwo[0]!), inRound(lastTwo[1]!)) : null,
  };
}
