import { describe, pairedChange, type DescriptiveStats, type PairedChangeResult } from './statistics.js';
import { suppressSmallGroups, type MaybeSuppressed } from './suppression.js';

/** One stored indicator score of one submitted response. */
export interface ScoreObservation {
  point: string;
  indicatorId: string;
  participantId: number | null;
  score: number;
}

export type PointStats = MaybeSuppressed<DescriptiveStats & { point: string }, 'point'>;
export type ChangeStats = MaybeSuppressed<PairedChangeResult & { from: string; to: string; n: number }, 'from' | 'to'>;

export interface IndicatorResult {
  indicatorId: string;
  points: PointStats[];
  change: ChangeStats | null;
}

/** The paired comparisons evaluators ask for, in order of preference. */
export const CHANGE_PAIRS: ReadonlyArray<[string, string]> = [
  ['start', 'exit'],
  ['start', 'ongoing'],
  ['exit', 'followup'],
];

function groupScores(observations: readonly ScoreObservation[]) {
  // indicator → point → participant (or response order for anonymous) → score; a later response of
  // the same participant at the same point replaces the earlier one, so n counts people, never one
  // person twice.
  const groups = new Map<string, Map<string, { anonymous: number[]; byParticipant: Map<number, number> }>>();
  for (const o of observations) {
    let byPoint = groups.get(o.indicatorId);
    if (!byPoint) groups.set(o.indicatorId, (byPoint = new Map()));
    let group = byPoint.get(o.point);
    if (!group) byPoint.set(o.point, (group = { anonymous: [], byParticipant: new Map() }));
    if (o.participantId === null) group.anonymous.push(o.score);
    else group.byParticipant.set(o.participantId, o.score);
  }
  return groups;
}

/**
 * Per indicator: descriptive statistics per measurement point and the paired change between two
 * points for participants who answered both, with every group under the disclosure threshold hidden.
 */
export function summarizeIntervention(
  observations: readonly ScoreObservation[],
  indicatorIds: readonly string[],
  points: readonly string[],
  change: readonly [string, string] | null,
): IndicatorResult[] {
  const groups = groupScores(observations);
  return indicatorIds.map((indicatorId) => {
    const byPoint = groups.get(indicatorId);
    const pointCells = points.map((point) => {
      const group = byPoint?.get(point);
      return { point, ...describe(group ? [...group.anonymous, ...group.byParticipant.values()] : []) };
    });
    let changeCell: ChangeStats | null = null;
    if (change) {
      const [from, to] = change;
      const before = byPoint?.get(from)?.byParticipant ?? new Map<number, number>();
      const after = byPoint?.get(to)?.byParticipant ?? new Map<number, number>();
      const pairs = [...before].filter(([id]) => after.has(id)).map(([id, b]) => ({ before: b, after: after.get(id)! }));
      const result = pairedChange(pairs);
      changeCell = suppressSmallGroups([{ from, to, n: result.pairs, ...result }], { keep: ['from', 'to'] })[0]!;
    }
    return { indicatorId, points: suppressSmallGroups(pointCells, { keep: ['point'] }), change: changeCell };
  });
}

/** The first of CHANGE_PAIRS whose two points an intervention uses. */
export function defaultChangePair(points: readonly string[]): [string, string] | null {
  return CHANGE_PAIRS.find(([a, b]) => points.includes(a) && points.includes(b)) ?? null;
}
