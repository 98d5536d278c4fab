import type { AppContext } from '../context.js';
import type { AnalysisQuery } from '../forms/analysisQuery.js';
import { groupStats, type GroupStats } from '../domain/comparison.js';
import { cellKey, measureRef, orgRef } from '../domain/figureCell.js';
import { chooseIndicator } from '../domain/instrument.js';
import type { Indicator, Instrument } from '../domain/instrumentTypes.js';
import { sumOfShown } from '../domain/suppression.js';
import { Problem } from '../problem.js';
import { can, federationsOf, type Principal } from '../security/access.js';
import { getFederation, listFederations, type Federation } from '../storage/federations.js';
import { listInterventions } from '../storage/interventions.js';
import { scoreBins } from '../storage/population.js';
import { listSubprojects, type Subproject } from '../storage/projects.js';
import { binsBy, demoOf, disclosurePlan, readScope, reasonOf, scopeInstrument, type ScopeInstrument } from './figures.js';
import { personScopeOf } from './interventionSummary.js';
import type { MeasurementPoint } from '../domain/instrumentTypes.js';

export interface RegionalComparison {
  instrument: Instrument | undefined;
  /** The versions the chosen interventions' answers were given in; an indicator that changed between them is not shown. */
  scoped: ScopeInstrument | undefined;
  indicators: Indicator[];
  indicatorId: string;
  point: MeasurementPoint;
  /** The förbund whose results the caller may read, and those chosen. */
  available: Federation[];
  chosen: Federation[];
  subprojects: Subproject[];
  subproject: Subproject | undefined;
  breakdown: { cells: GroupStats[]; total: GroupStats };
}

/**
 * One indicator at one point per förbund (only förbund the caller may read results of), or one
 * delprojekt's interventions, and the total of those shown. Everything so far: rounds are each
 * förbund's own. The total is the installation's figure when every förbund is chosen, else the
 * sum of the chosen förbund, shown only where each of them is (rule 7 of suppression.ts).
 */
export function regionalComparison(ctx: AppContext, principal: Principal, q: AnalysisQuery): RegionalComparison {
  const readable = federationsOf(principal).filter((f) => can(principal, 'results.read', f));
  if (readable.length === 0) throw new Problem('forbidden');
  if (q.federations?.some((f) => !readable.includes(f))) throw new Problem('forbidden');
  const available = readable.map((id) => getFederation(ctx.db, id)!).sort((a, b) => a.name.localeCompare(b.name, 'sv'));
  const subprojects = available.flatMap((f) => listSubprojects(ctx.db, f.id));
  const subproject = q.subproject === undefined ? undefined : subprojects.find((s) => s.id === q.subproject);
  if (q.subproject !== undefined && !subproject) throw new Problem('notFound');
  // A delprojekt belongs to one förbund: choosing it chooses that förbund.
  const chosen = subproject ? available.filter((f) => f.id === subproject.federationId) : q.federations?.length ? available.filter((f) => q.federations!.includes(f.id)) : available;
  const interventions = listInterventions(ctx.db).filter((i) => i.kind === 'individual' && chosen.some((f) => f.id === i.federationId) && (!subproject || i.subprojectId === subproject.id));
  const participant = ctx.instruments.forGroup('participant').at(-1);
  const scoped = participant && scopeInstrument(ctx, participant.id, interventions.map((i) => i.id));
  const instrument = scoped?.instrument;
  const { indicators, indicatorId, point, asked } = chooseIndicator(instrument, q.indicator, q.point);
  const comparable = scoped?.comparable(indicatorId) ?? true;

  const plan = disclosurePlan(ctx);
  const s = { ...personScopeOf(q), round: null };
  const demo = demoOf(s);
  const measure = measureRef.score(indicatorId, point);
  const rows = scoreBins(ctx.db, readScope({ org: '', interventionIds: interventions.map((i) => i.id) }, s), { intervention: true }).filter((r) => r.indicatorId === indicatorId && r.point === point);
  const federationOf = new Map(interventions.map((i) => [i.id, i.federationId]));
  const bins = binsBy(rows, (r) => String(federationOf.get(r.interventionId!)), (r) => r.score);
  const keys = chosen.map((f) => cellKey(measure, subproject ? orgRef.subproject(subproject.id) : orgRef.federation(f.id), demo, 'all'));
  const cells = chosen.map((f, k) => groupStats(String(f.id), keys[k]!, bins.get(String(f.id)) ?? [], reasonOf(plan, keys[k]!, asked, comparable)));

  const everyFederation = !subproject && listFederations(ctx.db).every((f) => chosen.some((c) => c.id === f.id));
  const single = keys.length === 1 ? keys[0]! : null;
  const totalKey = everyFederation ? cellKey(measure, orgRef.installation, demo, 'all') : single ?? `sum(${keys.join(',')})`;
  const totalReason = !asked || !comparable ? reasonOf(plan, totalKey, asked, comparable) : everyFederation || single ? plan.reason(totalKey) : sumOfShown(plan, keys);
  const total = groupStats('total', totalKey, [...bins.values()].flat(), totalReason);
  return { instrument, scoped, indicators, indicatorId, point, available, chosen, subprojects, subproject, breakdown: { cells, total } };
}
