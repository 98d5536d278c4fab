import { groupStats, type GroupStats } from '../domain/comparison.js';
import { cellKey, measureRef, orgRef } from '../domain/figureCell.js';
import type { ValueCount } from '../domain/statistics.js';
import type { DisclosurePlan } from '../domain/suppression.js';
import type { Db } from '../storage/db.js';
import { installationBins } from '../storage/population.js';
import type { MeasurementPoint } from '../domain/instrumentTypes.js';

export interface NationalCell { point: MeasurementPoint; indicatorId: string; stats: GroupStats }

/**
 * Every indicator at every measurement point over every counted person in the installation (the
 * national report): one streamed GROUP BY into score histograms, statistics from those, each
 * cell as the installation's disclosure plan allows.
 */
export function nationalAggregate(db: Db, plan: DisclosurePlan): NationalCell[] {
  const histograms = new Map<string, ValueCount[]>();
  for (const row of installationBins(db)) {
    const key = `${row.point}|${row.indicatorId}`;
    let bins = histograms.get(key);
    if (!bins) histograms.set(key, (bins = []));
    bins.push({ value: row.score, count: row.count });
  }
  return [...histograms.keys()].sort().map((key) => {
    const [point, indicatorId] = key.split('|') as [MeasurementPoint, string];
    const cell = cellKey(measureRef.score(indicatorId, point), orgRef.installation, 'all', 'all');
    return { point, indicatorId, stats: groupStats(key, cell, histograms.get(key)!, plan.reason(cell)) };
  });
}
