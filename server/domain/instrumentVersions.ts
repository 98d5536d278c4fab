// Which indicators may be compared across versions of an instrument (issue 11, "Instrument
// versions"): the one home of that rule. Pure.
//
// An indicator is comparable across versions when its score means the same in each of them: the
// same items (by id) asked at the same points, each on the same scale (type, reversed, "vet ej"
// offered, options and bounds), and the same scoring rule (minAnsweredShare). Texts may differ
// (new wording of the same question, the licensed official wording): the codebook shows them.
// An indicator missing from one of the versions is not comparable.
import { allItems, compareVersions, type InstrumentRegistry } from './instrument.js';
import type { Indicator, Instrument, Item, LocalizedText } from './instrumentTypes.js';

/** What makes an indicator's scores differ between versions. */
export type IndicatorChange = 'missing' | 'items' | 'scale' | 'scoring';

export interface IndicatorComparability {
  indicatorId: string;
  comparable: boolean;
  /** What differs between the versions; empty when comparable. */
  changes: IndicatorChange[];
}

export interface VersionComparison {
  instrumentId: string;
  /** The versions compared, oldest first. */
  versions: string[];
  /** Every indicator of any of the versions: the newest version's in its order, then those only older versions have. */
  indicators: IndicatorComparability[];
}

/** The items asked, and where: a change here changes which answers a score is the mean of. */
function itemsSignature(instrument: Instrument, indicator: Indicator): string {
  const byId = new Map(allItems(instrument).map((item) => [item.id, item]));
  return JSON.stringify([...indicator.items].sort().map((id) => [id, [...(byId.get(id)?.points ?? [])].sort()]));
}

/** The scale each of the given items is answered on. */
function scaleSignature(instrument: Instrument, itemIds: readonly string[]): string {
  const byId = new Map(allItems(instrument).map((item) => [item.id, item]));
  const scale = (item: Item | undefined) => item && [
    item.type, item.reversed ?? false, item.dontKnow ?? false, (item.options ?? []).map((o) => o.value).sort(), item.min ?? null, item.max ?? null,
  ];
  return JSON.stringify([...itemIds].sort().map((id) => [id, scale(byId.get(id))]));
}

/**
 * Per indicator, whether its figures may be pooled or compared across the given versions of one
 * instrument (with a single version every indicator is comparable), and what changed where not.
 */
export function compareInstrumentVersions(given: readonly Instrument[]): VersionComparison {
  const versions = [...given].sort((a, b) => compareVersions(a.version, b.version));
  const first = versions[0];
  if (first === undefined) throw new RangeError('compareInstrumentVersions needs at least one version');
  const foreign = versions.find((v) => v.id !== first.id);
  if (foreign) throw new RangeError(`versions of different instruments: ${first.id} and ${foreign.id}`);
  const newestFirst = [...versions].reverse();
  const ids = [...new Set(newestFirst.flatMap((v) => v.indicators.map((i) => i.id)))];
  return {
    instrumentId: first.id,
    versions: versions.map((v) => v.version),
    indicators: ids.map((indicatorId) => {
      const found = versions.map((v) => ({ instrument: v, indicator: v.indicators.find((i) => i.id === indicatorId) }));
      const present = found.filter((f): f is { instrument: Instrument; indicator: Indicator } => f.indicator !== undefined);
      // The scales of the items every version's indicator has: another item is an items change already.
      const common = present[0]!.indicator.items.filter((id) => present.every((f) => f.indicator.items.includes(id)));
      const differs = (signature: (f: { instrument: Instrument; indicator: Indicator }) => string | number) => new Set(present.map(signature)).size > 1;
      const changes: IndicatorChange[] = [
        ...(present.length < versions.length ? ['missing' as const] : []),
        ...(differs((f) => itemsSignature(f.instrument, f.indicator)) ? ['items' as const] : []),
        ...(differs((f) => scaleSignature(f.instrument, common)) ? ['scale' as const] : []),
        ...(differs((f) => f.indicator.minAnsweredShare) ? ['scoring' as const] : []),
      ];
      return { indicatorId, comparable: changes.length === 0, changes };
    }),
  };
}

/** The indicators of a comparison whose figures may not be pooled across its versions. */
export function changedIndicators(comparison: VersionComparison): IndicatorComparability[] {
  return comparison.indicators.filter((i) => !i.comparable);
}

/**
 * What a screen or report says when its answers were given in more than one version: which, and
 * the indicators whose figures it does not show because they changed (frozen into reports as it is).
 */
export interface VersionNotice {
  instrumentId: string;
  /** Oldest first. */
  versions: string[];
  changed: { indicatorId: string; text: LocalizedText; changes: IndicatorChange[] }[];
}

/** The notice for answers given in these versions (oldest first), or null when they are of one version. */
export function versionNotice(versions: readonly Instrument[]): VersionNotice | null {
  if (versions.length < 2) return null;
  const comparison = compareInstrumentVersions(versions);
  const newestFirst = [...versions].sort((a, b) => compareVersions(b.version, a.version));
  const textOf = (indicatorId: string) => newestFirst.flatMap((v) => v.indicators).find((i) => i.id === indicatorId)!.text;
  return {
    instrumentId: comparison.instrumentId,
    versions: comparison.versions,
    changed: changedIndicators(comparison).map((c) => ({ indicatorId: c.indicatorId, text: textOf(c.indicatorId), changes: c.changes })),
  };
}

/**
 * Of the versions answered per instrument (id → versions), the indicators that do not compare
 * across them. A version the registry does not have cannot be checked: then every indicator
 * `indicatorsOf` names for that instrument counts as changed, so nothing is pooled with it.
 */
export function changedIndicatorIds(
  registry: Pick<InstrumentRegistry, 'get'>, answered: ReadonlyMap<string, ReadonlySet<string>>, indicatorsOf: (instrumentId: string) => Iterable<string>,
): Set<string> {
  const changed = new Set<string>();
  for (const [id, versions] of answered) {
    if (versions.size < 2) continue;
    const installed = [...versions].map((v) => registry.get(id, v));
    if (installed.some((i) => i === undefined)) for (const indicator of indicatorsOf(id)) changed.add(indicator);
    else for (const x of compareInstrumentVersions(installed.filter((i): i is Instrument => i !== undefined)).indicators) if (!x.comparable) changed.add(x.indicatorId);
  }
  return changed;
}
