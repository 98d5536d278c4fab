// Disclosure control (domain.md, "Privacy and disclosure control"): nothing built from fewer than
// MIN_GROUP_SIZE respondents is shown, and a shown total minus the shown cells must not reveal a
// hidden cell. Pure functions: no I/O.

export const MIN_GROUP_SIZE = 5;

/** tooFew: the cell itself has 0 < n < MIN_GROUP_SIZE (or, for statistics, any n below it);
 *  complementary: the cell is large enough but hidden so that a small one cannot be worked out. */
export type SuppressionReason = 'tooFew' | 'complementary';

export interface SuppressionPlan {
  /** The cells to hide, by key. */
  suppressed: ReadonlyMap<string, SuppressionReason>;
  /** True when the total must be hidden too. */
  totalSuppressed: boolean;
}

export interface CountCell {
  key: string;
  n: number;
}

function assertCount(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
}

interface HiddenPart {
  n: number;
  lo: number;
  hi: number;
  small: boolean;
}

function boundsFor(n: number, reason: SuppressionReason): HiddenPart {
  return reason === 'tooFew'
    ? { n, lo: 1, hi: MIN_GROUP_SIZE - 1, small: true }
    : { n, lo: MIN_GROUP_SIZE, hi: Number.POSITIVE_INFINITY, small: false };
}

/**
 * Whether someone who knows the sum of the hidden parts and each part's bounds can pin a small
 * part to one exact value: part i lies in
 * [max(lo_i, sum − Σ_{j≠i} hi_j), min(hi_i, sum − Σ_{j≠i} lo_j)].
 */
function revealsSmallPart(parts: readonly HiddenPart[], sum: number): boolean {
  const sumLo = parts.reduce((s, p) => s + p.lo, 0);
  const sumHi = parts.reduce((s, p) => s + p.hi, 0);
  return parts.some((p) => {
    if (!p.small) return false;
    const lowest = Math.max(p.lo, sum - (sumHi - p.hi));
    const highest = Math.min(p.hi, sum - (sumLo - p.lo));
    return lowest >= highest;
  });
}

/**
 * Which cells of a breakdown to hide when its total is shown.
 *
 * The rule:
 * 1. If the total is below MIN_GROUP_SIZE, every cell and the total are hidden.
 * 2. Primary suppression: every cell with 0 < n < MIN_GROUP_SIZE is hidden ("tooFew"). Zero cells
 *    are shown: they describe nobody.
 * 3. Complementary suppression. Anyone can compute total − Σ(shown cells), the sum of the hidden
 *    cells (plus respondents in the total but in no listed cell, e.g. "did not answer"; we assume
 *    that remainder may be known from elsewhere). Assuming they also know the rule, a hidden small
 *    cell lies in 1..4 and a complementary one in 5..∞. While those bounds and the sum pin some
 *    small cell to one exact value, the smallest shown cell with n > 0 is hidden as well
 *    ("complementary"; ties go to the earlier cell). This covers the textbook case — exactly one
 *    small cell, which would equal total − shown — and also e.g. two hidden cells of 4 and 4
 *    (sum 8 forces both to 4) or one of 1 beside a complementary 5 (sum 6 forces 1 and 5).
 *    A remainder with 0 < n < MIN_GROUP_SIZE is protected the same way, as a small hidden part.
 * 4. If no shown cell is left to hide, the total is hidden instead.
 */
export function suppressWithTotal(cells: readonly CountCell[], total: number): SuppressionPlan {
  assertCount(total, 'total');
  const keys = new Set<string>();
  let listed = 0;
  for (const cell of cells) {
    assertCount(cell.n, `n of cell "${cell.key}"`);
    if (keys.has(cell.key)) throw new RangeError(`duplicate cell key "${cell.key}"`);
    keys.add(cell.key);
    listed += cell.n;
  }
  if (listed > total) throw new RangeError(`the cells add up to ${listed}, more than the total ${total}`);

  const suppressed = new Map<string, SuppressionReason>();
  if (total < MIN_GROUP_SIZE) {
    for (const cell of cells) suppressed.set(cell.key, 'tooFew');
    return { suppressed, totalSuppressed: true };
  }
  for (const cell of cells) {
    if (cell.n > 0 && cell.n < MIN_GROUP_SIZE) suppressed.set(cell.key, 'tooFew');
  }

  const remainder = total - listed;
  const revealing = (): boolean => {
    const parts = cells.filter((c) => suppressed.has(c.key)).map((c) => boundsFor(c.n, suppressed.get(c.key)!));
    const hiddenSum = parts.reduce((s, p) => s + p.n, 0);
    if (revealsSmallPart(parts, hiddenSum)) return true;
    if (remainder > 0 && remainder < MIN_GROUP_SIZE) {
      return revealsSmallPart([...parts, boundsFor(remainder, 'tooFew')], hiddenSum + remainder);
    }
    return false;
  };

  while (revealing()) {
    let next: CountCell | undefined;
    for (const cell of cells) {
      if (cell.n > 0 && !suppressed.has(cell.key) && (next === undefined || cell.n < next.n)) next = cell;
    }
    if (next === undefined) return { suppressed, totalSuppressed: true };
    suppressed.set(next.key, 'complementary');
  }
  return { suppressed, totalSuppressed: false };
}

export interface SuppressedCounts {
  /** Each count, or null where it is hidden ("för få svar"). */
  counts: Record<string, number | null>;
  /** The total, or null when showing it would reveal a hidden count. */
  total: number | null;
}

/**
 * A count breakdown (exit status, gender, …) made safe to show with its total, by the rule of
 * suppressWithTotal. opts.total is for a total that includes respondents in no listed category;
 * by default the total is the sum of the counts.
 */
export function suppressCounts(counts: Readonly<Record<string, number>>, opts: { total?: number } = {}): SuppressedCounts {
  const cells = Object.entries(counts).map(([key, n]) => ({ key, n }));
  const total = opts.total ?? cells.reduce((s, c) => s + c.n, 0);
  const plan = suppressWithTotal(cells, total);
  const shown: Record<string, number | null> = {};
  for (const { key, n } of cells) shown[key] = plan.suppressed.has(key) ? null : n;
  return { counts: shown, total: plan.totalSuppressed ? null : total };
}

export type ShownCell<T> = T & { suppressed: false; suppressionReason: null };

/** A hidden cell: every field is null except those the caller asked to keep (keys such as point or indicatorId). */
export type SuppressedCell<T, K extends keyof T> = { [P in keyof T]: P extends K ? T[P] : null } & {
  suppressed: true;
  suppressionReason: SuppressionReason;
};

export type MaybeSuppressed<T, K extends keyof T> = ShownCell<T> | SuppressedCell<T, K>;

export interface SuppressSmallGroupsOptions<K> {
  /** Fields left as they are in a hidden cell: the keys that say which cell it is. n is hidden unless listed. */
  keep?: readonly K[];
}

export function hideCell<T extends { n: number }, K extends keyof T>(
  cell: T,
  keep: ReadonlySet<keyof T>,
  reason: SuppressionReason | undefined,
): MaybeSuppressed<T, K> {
  if (reason === undefined) return { ...cell, suppressed: false, suppressionReason: null };
  const hidden: Record<string, unknown> = {};
  for (const field of Object.keys(cell)) {
    hidden[field] = keep.has(field as keyof T) ? cell[field as keyof T] : null;
  }
  return { ...(hidden as { [P in keyof T]: P extends K ? T[P] : null }), suppressed: true, suppressionReason: reason };
}

/**
 * Marks each statistics cell shown or hidden. A cell with n < MIN_GROUP_SIZE (including 0) is
 * hidden, and every field not in opts.keep (mean, sd, ci95, distribution, n itself, …) becomes
 * null, so nothing derived from those respondents leaves the server. For cells that are a
 * breakdown of a total shown beside them, use suppressBreakdown.
 */
export function suppressSmallGroups<T extends { n: number }, K extends keyof T = never>(
  cells: readonly T[],
  opts: SuppressSmallGroupsOptions<K> = {},
): Array<MaybeSuppressed<T, K>> {
  const keep = new Set<keyof T>(opts.keep ?? []);
  return cells.map((cell) => hideCell<T, K>(cell, keep, cell.n < MIN_GROUP_SIZE ? 'tooFew' : undefined));
}

export interface SuppressedBreakdown<T, K extends keyof T> {
  cells: Array<MaybeSuppressed<T, K>>;
  /** True when the total (whose n was passed in) must be hidden too. */
  totalSuppressed: boolean;
}

/**
 * suppressSmallGroups for statistics cells that split a total shown beside them (e.g. an indicator
 * per gender next to all participants): adds complementary suppression by the rule of
 * suppressWithTotal, since the total's n and mean with the shown cells' n and means would give
 * a lone hidden cell's n and mean.
 */
export function suppressBreakdown<T extends { n: number }, K extends keyof T = never>(
  cells: readonly T[],
  total: number,
  opts: SuppressSmallGroupsOptions<K> = {},
): SuppressedBreakdown<T, K> {
  const keep = new Set<keyof T>(opts.keep ?? []);
  const plan = suppressWithTotal(cells.map((c, i) => ({ key: String(i), n: c.n })), total);
  return {
    cells: cells.map((cell, i) =>
      hideCell<T, K>(cell, keep, cell.n < MIN_GROUP_SIZE ? 'tooFew' : plan.suppressed.get(String(i))),
    ),
    totalSuppressed: plan.totalSuppressed,
  };
}
