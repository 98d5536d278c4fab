// Disclosure control: the one place that decides which figures may be shown (domain.md,
// "Disclosure control, more precisely"). Pure: no I/O.
//
// The rule, in words
// ------------------
// Every figure describes a group of people: the cell. A cell is named by what is measured (an
// indicator at a point, a paired change, an item, a count of participants …), by whom (the
// installation, a förbund, a delprojekt, an intervention), by which people (everyone, one gender,
// one age band, "not stated") and by when (everything so far, one measurement round).
//
// 1. Too few answers: a cell of 1–4 people is never shown, nor anything computed from it.
// 2. Partitions: many cells are the sum of others — a förbund of its interventions, a delprojekt
//    of its interventions, the installation of its förbund, everyone of the genders (or of the
//    age bands), everything so far of the rounds, those who ended of their exit statuses. In every
//    such partition, wherever it is shown (on any page, CSV, API response, PDF or chart), the
//    total minus the shown parts must not pin down a hidden part: while exactly one part is
//    hidden, or the bounds of the hidden parts (1–4 for "too few", 5 or more for the others)
//    pin a small one to one value, one more part is hidden ("hidden to protect another group"),
//    the smallest first and parts that are never shown on their own (e.g. "not stated") before
//    any other. If no part is left to hide, the total is hidden. A hidden total may not be the sum
//    of shown parts either. Where parts overlap (a person answering in two rounds), a part whose
//    difference from the total is 1–4 is hidden.
// 3. A paired change links three figures: the mean before, the mean after and the mean change.
//    The before and after means of the paired people are parts of the point's figures (the rest
//    are people without a pair), so they are protected as parts; since after = before + change,
//    they are shown or hidden together, and where one of them equals a shown figure the change
//    itself is hidden.
// 4. Some figures follow others: an item's answers are shown only where its indicator's figure
//    is, since a one-item indicator is its item.
// 5. A figure made at request time from catalogue cells — a group of chosen förbund, "the other
//    interventions" — is shown only when it adds nothing: a sum of shown cells, or a shown total
//    minus one shown part (sumOfShown, differenceOfShown).
// The plan is computed for every cell of the installation at once and the same plan serves every
// page, so two outputs never disagree about what is hidden. Decisions are fixed-point: hiding a
// cell re-checks every partition and link it belongs to until nothing changes.

export const MIN_GROUP_SIZE = 5;

/** Why a figure is not shown: too few answers, or hidden so that another group cannot be worked out. */
export type HiddenReason = 'tooFew' | 'complementary';

export interface Partition {
  parent: string;
  /** The parts; their counts may add up to less than the parent's (a remainder in no part). */
  parts: readonly string[];
  /** Never hide the parent for this partition (a link protects the parts instead). */
  keepParent?: boolean;
}

/** after = before + change, for the same people (a paired change). */
export interface ChangeLink { change: string; before: string; after: string }

export interface DisclosureProblem {
  /** Group size per cell; a cell not listed has no one in it. */
  counts: ReadonlyMap<string, number>;
  partitions: readonly Partition[];
  links?: readonly ChangeLink[];
  /** [leader, follower]: the follower is hidden whenever the leader is. */
  follows?: ReadonlyArray<readonly [string, string]>;
  /** Hidden from the start, e.g. because a plan this one depends on hides them. */
  hiddenFromStart?: ReadonlyMap<string, HiddenReason>;
  /** Cells never shown on their own: hidden first when one more part must go. */
  silent?: ReadonlySet<string>;
}

export interface DisclosurePlan {
  /** The group size behind a cell (0 for a cell nobody is in). */
  n(key: string): number;
  /** Why a cell is hidden, or null when it may be shown. */
  reason(key: string): HiddenReason | null;
}

interface Bounds { lo: number; hi: number; small: boolean }

const boundsOf = (n: number): Bounds => (n < MIN_GROUP_SIZE ? { lo: 1, hi: MIN_GROUP_SIZE - 1, small: true } : { lo: MIN_GROUP_SIZE, hi: Number.POSITIVE_INFINITY, small: false });

/**
 * Whether someone who knows the sum of the hidden parts and each one's bounds can pin a small part
 * to one exact value: part i lies in [max(lo_i, sum − Σ_{j≠i} hi_j), min(hi_i, sum − Σ_{j≠i} lo_j)].
 */
export function revealsSmallPart(parts: readonly Bounds[], sum: number): boolean {
  const sumLo = parts.reduce((s, p) => s + p.lo, 0);
  const sumHi = parts.reduce((s, p) => s + p.hi, 0);
  return parts.some((p) => p.small && Math.max(p.lo, sum - (sumHi - p.hi)) >= Math.min(p.hi, sum - (sumLo - p.lo)));
}

/** Computes the plan: which cells are hidden, and why. */
export function planDisclosure(problem: DisclosureProblem): DisclosurePlan {
  const counts = problem.counts;
  const n = (key: string) => counts.get(key) ?? 0;
  const hidden = new Map<string, HiddenReason>(problem.hiddenFromStart ?? []);
  for (const [key, size] of counts) if (size > 0 && size < MIN_GROUP_SIZE) hidden.set(key, 'tooFew');
  const silent = problem.silent ?? new Set<string>();
  const links = problem.links ?? [];
  const follows = problem.follows ?? [];

  // Every rule a cell takes part in, so that hiding it re-checks just those.
  type Rule = { kind: 'partition'; p: Partition } | { kind: 'link'; l: ChangeLink } | { kind: 'follow'; f: readonly [string, string] };
  const rulesOf = new Map<string, Rule[]>();
  const attach = (key: string, rule: Rule) => {
    let list = rulesOf.get(key);
    if (!list) rulesOf.set(key, (list = []));
    list.push(rule);
  };
  const all: Rule[] = [];
  for (const p of problem.partitions) {
    const rule: Rule = { kind: 'partition', p };
    all.push(rule);
    attach(p.parent, rule);
    for (const part of p.parts) attach(part, rule);
  }
  for (const l of links) {
    const rule: Rule = { kind: 'link', l };
    all.push(rule);
    for (const key of [l.change, l.before, l.after]) attach(key, rule);
  }
  for (const f of follows) {
    const rule: Rule = { kind: 'follow', f };
    all.push(rule);
    attach(f[0], rule);
  }
  const partitionsOf = (key: string) => (rulesOf.get(key) ?? []).flatMap((r) => (r.kind === 'partition' ? [r.p] : []));

  const queue: Rule[] = [...all];
  const queued = new Set<Rule>(all);
  const hide = (key: string, reason: HiddenReason) => {
    if (hidden.has(key)) return;
    hidden.set(key, reason);
    for (const rule of rulesOf.get(key) ?? []) {
      if (!queued.has(rule)) {
        queued.add(rule);
        queue.push(rule);
      }
    }
  };

  /** The next part to hide: never-shown ones first, then the smallest, ties by name. */
  const nextPart = (parts: readonly string[]): string | undefined => {
    let best: string | undefined;
    const better = (a: string, b: string) => {
      const sa = silent.has(a) ? 0 : 1;
      const sb = silent.has(b) ? 0 : 1;
      if (sa !== sb) return sa < sb;
      if (n(a) !== n(b)) return n(a) < n(b);
      return a < b;
    };
    for (const part of parts) if (n(part) > 0 && !hidden.has(part) && (best === undefined || better(part, best))) best = part;
    return best;
  };

  /** A hidden cell that one partition gives away exactly: its lone hidden part, or its parent as the sum of shown parts. */
  const givenAway = (key: string): boolean =>
    partitionsOf(key).some((p) => {
      const listed = p.parts.reduce((s, k) => s + n(k), 0);
      if (listed !== n(p.parent)) return false;
      const hiddenParts = p.parts.filter((k) => n(k) > 0 && hidden.has(k));
      if (p.parent === key) return hiddenParts.length === 0;
      return !hidden.has(p.parent) && hiddenParts.length === 1 && hiddenParts[0] === key;
    });

  const checkPartition = (p: Partition) => {
    const total = n(p.parent);
    if (total === 0) return;
    const listed = p.parts.reduce((s, k) => s + n(k), 0);
    if (listed > total) {
      // Overlapping parts: only a difference between the total and one part can be formed.
      if (hidden.has(p.parent)) return;
      for (const part of p.parts) {
        const rest = total - n(part);
        if (!hidden.has(part) && rest > 0 && rest < MIN_GROUP_SIZE) hide(part, 'complementary');
      }
      return;
    }
    const remainder = total - listed;
    if (hidden.has(p.parent)) {
      // The hidden total must not be the sum of the shown parts.
      if (remainder > 0 || p.parts.some((k) => n(k) > 0 && hidden.has(k))) return;
      const next = nextPart(p.parts);
      if (next !== undefined) hide(next, 'complementary');
      return;
    }
    for (;;) {
      const hiddenParts = p.parts.filter((k) => n(k) > 0 && hidden.has(k)).map((k) => boundsOf(n(k)));
      if (remainder > 0) hiddenParts.push(boundsOf(remainder));
      const sum = hiddenParts.length === 0 ? 0 : p.parts.reduce((s, k) => s + (hidden.has(k) ? n(k) : 0), 0) + remainder;
      const smallRemainder = remainder > 0 && remainder < MIN_GROUP_SIZE;
      const hiddenListed = p.parts.some((k) => n(k) > 0 && hidden.has(k));
      // A lone hidden part is given away; a remainder of 5 or more is nobody's secret.
      const lone = hiddenParts.length === 1 && (hiddenListed || smallRemainder);
      if (!lone && !revealsSmallPart(hiddenParts, sum)) return;
      const next = nextPart(p.parts);
      if (next === undefined) {
        if (!p.keepParent) hide(p.parent, 'complementary');
        return;
      }
      hide(next, 'complementary');
    }
  };

  const checkLink = (l: ChangeLink) => {
    if (hidden.has(l.change)) {
      hide(l.before, 'complementary');
      hide(l.after, 'complementary');
      return;
    }
    const before = hidden.has(l.before);
    const after = hidden.has(l.after);
    if (before !== after) hide(before ? l.after : l.before, 'complementary');
    else if (before && (givenAway(l.before) || givenAway(l.after))) hide(l.change, 'complementary');
  };

  for (let head = 0; head < queue.length; head++) {
    const rule = queue[head]!;
    queued.delete(rule);
    if (rule.kind === 'partition') checkPartition(rule.p);
    else if (rule.kind === 'link') checkLink(rule.l);
    else if (hidden.has(rule.f[0])) hide(rule.f[1], n(rule.f[1]) > 0 && n(rule.f[1]) < MIN_GROUP_SIZE ? 'tooFew' : 'complementary');
  }
  return { n, reason: (key) => hidden.get(key) ?? null };
}

/** A plan for cells that stand alone (no partition): only the too-few rule. */
export function standalonePlan(counts: ReadonlyMap<string, number>): DisclosurePlan {
  return planDisclosure({ counts, partitions: [] });
}

/** Rule 5: a sum of catalogue cells made at request time is shown only when every one of them is (with someone in it). */
export function sumOfShown(plan: DisclosurePlan, keys: readonly string[]): HiddenReason | null {
  const total = keys.reduce((s, k) => s + plan.n(k), 0);
  if (total > 0 && total < MIN_GROUP_SIZE) return 'tooFew';
  return keys.every((k) => plan.n(k) === 0 || plan.reason(k) === null) ? null : 'complementary';
}

/** Rule 5: a total minus one of its parts is shown only when both are. */
export function differenceOfShown(plan: DisclosurePlan, total: string, part: string): HiddenReason | null {
  const rest = plan.n(total) - plan.n(part);
  if (rest > 0 && rest < MIN_GROUP_SIZE) return 'tooFew';
  return plan.reason(total) === null && plan.reason(part) === null ? null : 'complementary';
}

/** Why a cell shows no figure: hidden by the plan, or the question is not asked at that point. */
export type SuppressionReason = HiddenReason | 'notAsked';

export type ShownCell<T> = T & { suppressed: false; suppressionReason: null };

/** A hidden cell: every field is null except those kept (keys such as point or indicatorId). */
export type SuppressedCell<T, K extends keyof T> = { [P in keyof T]: P extends K ? T[P] : null } & {
  suppressed: true;
  suppressionReason: SuppressionReason;
};

export type MaybeSuppressed<T, K extends keyof T> = ShownCell<T> | SuppressedCell<T, K>;

/** A figure as it leaves the server: whole, or with every field but the kept ones nulled and the reason why. */
export function hideCell<T extends object, K extends keyof T>(cell: T, keep: readonly K[], reason: SuppressionReason | null): MaybeSuppressed<T, K> {
  if (reason === null) return { ...cell, suppressed: false, suppressionReason: null };
  const kept = new Set<keyof T>(keep);
  const hidden: Record<string, unknown> = {};
  for (const field of Object.keys(cell)) hidden[field] = kept.has(field as keyof T) ? cell[field as keyof T] : null;
  return { ...(hidden as { [P in keyof T]: P extends K ? T[P] : null }), suppressed: true, suppressionReason: reason };
}
