import { describeHistograms, type GroupStats } from '../domain/comparison.js';
import type { ValueCount } from '../domain/statistics.js';
import { nationalHistograms } from '../storage/analysis.js';
import type { Db } from '../storage/db.js';

export interface NationalCell { point: string; indicatorId: string; stats: GroupStats }

/**
 * Every indicator at every measurement point over all submitted responses in the installation
 * (the national report): one streamed GROUP BY into score histograms, statistics from those.
 */
export function nationalAggregate(db: Db): NationalCell[] {
  const histograms = new Map<string, ValueCount[]>();
  for (const row of nationalHistograms(db)) {
    const key = `${row.point}|${row.indicatorId}`;
    let bins = histograms.get(key);
    if (!bins) histograms.set(key, (bins = []));
    bins.push({ value: row.score, count: row.count });
  }
  const keys = [...histograms.keys()].sort();
  return describeHistograms(histograms, keys).map((stats) => {
    const [point, indicatorId] = stats.key.split('|') as [string, string];
    return { point, indicatorId, stats };
  });
}
