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
//    such partition whose total is shown (on any page, CSV, API response, PDF or chart), the total
//    minus the shown parts must leave 0 or at least 5 people, must not single out one hidden part,
//    and the bounds of the hidden parts (1–4 for "too few", 5 or more for the others) must not pin
//    a small one to one value. Else one more part is hidden ("hidden to protect another group"):
//    parts never shown on their own ("not stated") first, then parts whose hiding would really
//    hide something, then the smallest. If no part is left to hide, the total is hidden. A hidden
//    total may not be the sum of shown parts either. Where parts overlap (a person answering in two
//    rounds), a part whose difference from the total is 1–4 is hidden.
// 3. Shown figures inside a hidden part count as known (a shown round inside an intervention's
//    hidden total; a shown delprojekt inside its förbund), so what stays unknown must still be 0 or
//    at least 5.
// 4. Any two shown cells one inside the other, through any chain of partitions (a delprojekt's
//    paired people inside "the other interventions" inside a förbund), never differ by 1–4 people:
//    the inner one is hidden.
// 5. A paired change links three figures: the mean before, the mean after and the mean change.
//    The before and after means of the paired people are parts of the points' figures (the rest
//    are people without a pair), so they are protected as parts; since after = before + change,
//    they are shown or hidden together, and where one of them equals a shown figure the change
//    itself is hidden.
// 6. Some figures follow others: an item's answers are shown only where its indicator's figure
//    is, since a one-item indicator is its item.
// 7. A figure made at request time from catalogue cells — a group of chosen förbund — is shown only
//    when it adds nothing: a sum of shown cells (sumOfShown). "The förbund's other interventions"
//    beside one of them is a cell of its own, planned with the rest.
// Cells are planned by the people in them: two names for the same group (a förbund with a single
// intervention and that intervention) are one cell (figureCatalogue.ts).
// The plan is computed once for every cell and the same plan serves every page, so two outputs
// never disagree about what is hidden. It may be made in pieces (one förbund, then the sums over
// förbund on top): cells another piece decided are `fixed` — never hidden here, so where a sum
// would give one of them away, the sum goes. Decisions are fixed-point: hiding a
// cell re-checks every partition and link it belongs to until nothing changes. The choices are
// greedy and deterministic: safe, not always the fewest cells hidden.

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
  /** The plan's name of a cell: names of the same group of people map to one cell (default: the name itself). */
  canonical?: (key: string) => string;
  /**
   * Cells decided by another plan (a förbund's own, beside the installation's): shown or hidden
   * (hiddenFromStart) as they are, never hidden here; what stays unknown of a hidden one comes from
   * that plan.
   */
  fixed?: ReadonlySet<string>;
  fixedResidual?: (key: string) => number;
}

export interface DisclosurePlan {
  /** The group size behind a cell (0 for a cell nobody is in). */
  n(key: string): number;
  /** How many people of a hidden cell stay unknown beside the shown figures inside it (0 for a shown cell). */
  residual(key: string): number;
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
  // Counts never change while planning: each partition's sum of parts is taken once.
  const listedSums = new Map<Partition, number>();
  const listedOf = (p: Partition): number => {
    let sum = listedSums.get(p);
    if (sum === undefined) listedSums.set(p, (sum = p.parts.reduce((s, k) => s + n(k), 0)));
    return sum;
  };
  const hidden = new Map<string, HiddenReason>(problem.hiddenFromStart ?? []);
  const fixedCells = problem.fixed ?? new Set<string>();
  for (const [key, size] of counts) if (size > 0 && size < MIN_GROUP_SIZE) hidden.set(key, 'tooFew');
  // The paired people's means beside a point's figure with 1–4 unpaired people must go whatever
  // else is chosen: decided first, so that the choices below see them hidden.
  for (const p of problem.partitions) {
    const rest = n(p.parent) - listedOf(p);
    if (p.keepParent && rest > 0 && rest < MIN_GROUP_SIZE) for (const part of p.parts) if (!hidden.has(part)) hidden.set(part, 'complementary');
  }
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
  const partitionsOfParent = new Map<string, Partition[]>();
  for (const q of problem.partitions) {
    let list = partitionsOfParent.get(q.parent);
    if (!list) partitionsOfParent.set(q.parent, (list = []));
    list.push(q);
  }
  const partitionsOf = (key: string) => (rulesOf.get(key) ?? []).flatMap((r) => (r.kind === 'partition' ? [r.p] : []));

  // The paired people's means are checked first: where a remainder of 1–4 forces one hidden, the
  // totals above then see it hidden and need not hide more.
  const queue: Rule[] = [...all.filter((r) => r.kind === 'partition' && r.p.keepParent), ...all.filter((r) => !(r.kind === 'partition' && r.p.keepParent))];
  const queued = new Set<Rule>(all);
  const hide = (key: string, reason: HiddenReason) => {
    if (hidden.has(key) || fixedCells.has(key)) return;
    hidden.set(key, reason);
    for (const rule of rulesOf.get(key) ?? []) {
      if (!queued.has(rule)) {
        queued.add(rule);
        queue.push(rule);
      }
    }
    // A hidden total must not be the sum of its shown parts: one of them goes at once, so that
    // the totals above it see it hidden (and do not hide more than they need).
    for (const q of partitionsOfParent.get(key) ?? []) hiddenTotalRule(q);
  };
  const hiddenTotalRule = (q: Partition) => {
    if (listedOf(q) !== n(q.parent) || n(q.parent) === 0 || q.parts.some((k) => n(k) > 0 && hidden.has(k))) return;
    const next = nextPart(q.parts);
    if (next !== undefined) hide(next, 'complementary');
  };

  /** The next part to hide: never-shown ones first, then the smallest, ties by name. */
  /**
   * The next part to hide: never-shown ones first, then one that hiding would really hide (not one
   * another partition gives back exactly, such as the paired people's mean after when everyone at
   * exit is paired), then the smallest, ties by name.
   */
  const nextPart = (parts: readonly string[]): string | undefined => {
    let best: string | undefined;
    const rank = (k: string) => (silent.has(k) ? 0 : derivableIfHidden(k) ? 2 : 1);
    const better = (a: string, b: string) => {
      if (rank(a) !== rank(b)) return rank(a) < rank(b);
      if (n(a) !== n(b)) return n(a) < n(b);
      return a < b;
    };
    for (const part of parts) if (n(part) > 0 && !hidden.has(part) && !fixedCells.has(part) && (best === undefined || better(part, best))) best = part;
    return best;
  };
  /**
   * Whether a shown cell, hidden alone, would be the exact difference of shown figures in one of its
   * partitions; for a mean before or after, also whether its partner (hidden with it) would be.
   */
  const givenBack = (key: string): boolean =>
    partitionsOf(key).some((p) => p.parent !== key && !hidden.has(p.parent)
      && listedOf(p) === n(p.parent) && p.parts.every((k) => k === key || n(k) === 0 || !hidden.has(k)));
  const derivableIfHidden = (key: string): boolean =>
    givenBack(key) || (rulesOf.get(key) ?? []).some((r) => r.kind === 'link' && ((r.l.before === key && givenBack(r.l.after)) || (r.l.after === key && givenBack(r.l.before))));

  /** A hidden cell that one partition gives away exactly: its lone hidden part, or its parent as the sum of shown parts. */
  const givenAway = (key: string): boolean =>
    partitionsOf(key).some((p) => {
      if (listedOf(p) !== n(p.parent)) return false;
      const hiddenParts = p.parts.filter((k) => n(k) > 0 && hidden.has(k));
      if (p.parent === key) return hiddenParts.length === 0;
      return !hidden.has(p.parent) && hiddenParts.length === 1 && hiddenParts[0] === key;
    });

  const checkPartition = (p: Partition) => {
    const total = n(p.parent);
    if (total === 0) return;
    const listed = listedOf(p);
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
      hiddenTotalRule(p);
      return;
    }
    for (;;) {
      // Hidden parts whose sum another shown cell gives (a delprojekt inside its förbund, a
      // target's exit statuses inside those who ended) are one known block, not unknowns.
      const blocks = knownBlocks(p);
      const inBlocks = new Set(blocks.flatMap((q) => q.parts));
      const unknown = p.parts.filter((k) => n(k) > 0 && hidden.has(k) && !inBlocks.has(k));
      const bounds = unknown.map((k) => boundsOf(n(k)));
      if (remainder > 0) bounds.push(boundsOf(remainder));
      const sum = unknown.reduce((s, k) => s + n(k), 0) + remainder;
      const smallRemainder = remainder > 0 && remainder < MIN_GROUP_SIZE;
      // What stays unknown of the hidden parts once the shown figures inside them are taken off
      // (an intervention's shown round inside its hidden total): total − everything shown.
      const memo = new Map<string, number>();
      const unknownPeople = unknown.reduce((s, k) => s + residual(k, memo, 0), 0) + remainder;
      // A lone hidden part is given away; so is a hidden rest of 1–4 people. A remainder of 5 or
      // more is nobody's secret.
      const lone = bounds.length === 1 && (unknown.length === 1 || smallRemainder);
      if (!lone && !(unknownPeople > 0 && unknownPeople < MIN_GROUP_SIZE) && !revealsSmallPart(bounds, sum)) return;
      // Hiding one more part inside a known block would not help: its sum stays known.
      const next = nextPart(p.parts.filter((k) => !inBlocks.has(k)));
      if (next !== undefined) {
        hide(next, 'complementary');
        continue;
      }
      const block = nextPart(blocks.map((q) => q.parent));
      if (block !== undefined) {
        hide(block, 'complementary');
        continue;
      }
      if (!p.keepParent) hide(p.parent, 'complementary');
      return;
    }
  };

  /**
   * How many people of a hidden cell stay unknown when every shown figure inside it is taken off,
   * by its most revealing partition: the rest beside shown parts, and what stays unknown of its
   * hidden parts. For overlapping parts only one part can be taken off.
   */
  const fixed = problem.fixed ?? new Set<string>();
  const residual = (key: string, memo: Map<string, number>, depth: number): number => {
    if (!hidden.has(key)) return 0;
    if (fixed.has(key)) return problem.fixedResidual?.(key) ?? n(key);
    const known = memo.get(key);
    if (known !== undefined) return known;
    let best = n(key);
    memo.set(key, best);
    if (depth < 8) {
      for (const q of partitionsOfParent.get(key) ?? []) {
        const listed = listedOf(q);
        if (listed > n(key)) {
          for (const part of q.parts) if (!hidden.has(part)) best = Math.min(best, n(key) - n(part));
        } else {
          best = Math.min(best, n(key) - listed + q.parts.reduce((s, k) => s + residual(k, memo, depth + 1), 0));
        }
      }
    }
    memo.set(key, best);
    return best;
  };

  // Partitions whose parts all lie inside another partition's parts (a delprojekt's interventions
  // inside its förbund's), found once per partition. Each partition is filed under its first part
  // by name: one whose parts lie inside p's is filed under one of p's parts.
  const byFirstPart = new Map<string, Partition[]>();
  for (const q of problem.partitions) {
    if (q.parts.length === 0) continue;
    const first = q.parts.reduce((a, b) => (b < a ? b : a));
    let list = byFirstPart.get(first);
    if (!list) byFirstPart.set(first, (list = []));
    list.push(q);
  }
  const nested = new Map<Partition, Partition[]>();
  const nestedIn = (p: Partition): Partition[] => {
    let list = nested.get(p);
    if (list) return list;
    const parts = new Set(p.parts);
    list = [];
    for (const k of p.parts) {
      for (const q of byFirstPart.get(k) ?? []) {
        if (q !== p && q.parent !== p.parent && q.parts.length < p.parts.length && q.parts.every((x) => parts.has(x))) list.push(q);
      }
    }
    nested.set(p, list);
    return list;
  };
  /** Partitions inside p whose shown total makes the sum of their hidden parts known; disjoint, taken in order. */
  const knownBlocks = (p: Partition): Partition[] => {
    const taken = new Set<string>();
    const blocks: Partition[] = [];
    for (const q of nestedIn(p)) {
      if (hidden.has(q.parent) || listedOf(q) !== n(q.parent)) continue;
      if (!q.parts.some((k) => n(k) > 0 && hidden.has(k)) || q.parts.some((k) => taken.has(k))) continue;
      for (const k of q.parts) taken.add(k);
      blocks.push(q);
    }
    return blocks;
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

  let head = 0;
  const drain = () => {
    for (; head < queue.length; head++) {
      const rule = queue[head]!;
      queued.delete(rule);
      if (rule.kind === 'partition') checkPartition(rule.p);
      else if (rule.kind === 'link') checkLink(rule.l);
      else if (hidden.has(rule.f[0])) hide(rule.f[1], n(rule.f[1]) > 0 && n(rule.f[1]) < MIN_GROUP_SIZE ? 'tooFew' : 'complementary');
    }
  };
  drain();

  /**
   * Any two shown cells, one inside the other (through any chain of partitions: a delprojekt's
   * paired people inside "the others" inside a förbund), must not differ by 1–4 people: the inner
   * one goes. Counts only fall along a chain, so only parts within 4 of the total are walked.
   */
  const nearTotal = (top: string) => {
    if (hidden.has(top)) return;
    const total = n(top);
    const stack = [top];
    const seen = new Set(stack);
    while (stack.length > 0) {
      for (const q of partitionsOfParent.get(stack.pop()!) ?? []) {
        // A part, or a union of parts that is a cell of its own (a delprojekt among "the others").
        for (const part of [...q.parts, ...nestedIn(q).map((inner) => inner.parent)]) {
          if (seen.has(part) || n(part) <= total - MIN_GROUP_SIZE) continue;
          seen.add(part);
          // A cell another plan decided stays as it is: the outer one goes instead.
          if (n(part) < total) hide(fixedCells.has(part) ? top : part, 'complementary');
          stack.push(part);
        }
      }
    }
  };
  for (const top of partitionsOfParent.keys()) nearTotal(top);
  drain();
  const canonical = problem.canonical ?? ((key: string) => key);
  return {
    n: (key) => n(canonical(key)),
    reason: (key) => hidden.get(canonical(key)) ?? null,
    residual: (key) => residual(canonical(key), new Map(), 0),
  };
}

/** Rule 7: a sum of catalogue cells made at request time is shown only when every one of them is (with someone in it). */
export function sumOfShown(plan: DisclosurePlan, keys: readonly string[]): HiddenReason | null {
  const total = keys.reduce((s, k) => s + plan.n(k), 0);
  if (total > 0 && total < MIN_GROUP_SIZE) return 'tooFew';
  return keys.every((k) => plan.n(k) === 0 || plan.reason(k) === null) ? null : 'complementary';
}


/**
 * Why a cell shows no figure: hidden by the plan, the question is not asked at that point, or its
 * questions changed between the instrument versions the answers were given in (domain/instrumentVersions.ts).
 */
export type SuppressionReason = HiddenReason | 'notAsked' | 'versionChanged';

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
