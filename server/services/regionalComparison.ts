import type { AppContext } from '../context.js';
import type { AnalysisQuery } from '../domain/analysisQuery.js';
import { describeBreakdown } from '../domain/comparison.js';
import type { Indicator, Instrument } from '../domain/instrumentTypes.js';
import { Problem } from '../problem.js';
import { can, federationsOf, type Principal } from '../security/access.js';
import { regionalIndicatorScores } from '../storage/analysis.js';
import { getFederation, type Federation } from '../storage/federations.js';
import { listSubprojects, type Subproject } from '../storage/projects.js';

export interface RegionalComparison {
  instrument: Instrument | undefined;
  indicators: Indicator[];
  indicatorId: string;
  point: string;
  /** The förbund whose results the caller may read, and those chosen. */
  available: Federation[];
  chosen: Federation[];
  subprojects: Subproject[];
  subproject: Subproject | undefined;
  breakdown: ReturnType<typeof describeBreakdown<string>>;
}

/**
 * One indicator at one point per förbund (only förbund the caller may read results of), optionally
 * only one delprojekt's interventions, with the total: complementary suppression, so the total
 * minus the shown förbund cannot reveal a hidden one.
 */
export function regionalComparison(ctx: AppContext, principal: Principal, q: AnalysisQuery): RegionalComparison {
  const readable = federationsOf(principal).filter((f) => can(principal, 'results.read', f));
  if (readable.length === 0) throw new Problem('forbidden');
  if (q.federations?.some((f) => !readable.includes(f))) throw new Problem('forbidden');
  const available = readable.map((id) => getFederation(ctx.db, id)!).sort((a, b) => a.name.localeCompare(b.name, 'sv'));
  const chosen = q.federations?.length ? available.filter((f) => q.federations!.includes(f.id)) : available;
  const subprojects = available.flatMap((f) => listSubprojects(ctx.db, f.id));
  const subproject = q.subproject === undefined ? undefined : subprojects.find((s) => s.id === q.subproject);
  if (q.subproject !== undefined && !subproject) throw new Problem('notFound');
  const instrument = ctx.instruments.forGroup('participant').at(-1);
  const indicators = instrument?.indicators ?? [];
  const indicatorId = q.indicator ?? indicators[0]?.id ?? '';
  const point = q.point ?? 'exit';
  const scores = regionalIndicatorScores(ctx.db, chosen.map((f) => f.id), point, indicatorId, { gender: q.gender, ageBand: q.ageBand, subprojectId: subproject?.id });
  return {
    instrument, indicators, indicatorId, point, available, chosen, subprojects, subproject,
    breakdown: describeBreakdown(scores, chosen.map((f) => String(f.id))),
  };
}
