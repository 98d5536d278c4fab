// One way to read a change, everywhere (results, comparisons, board and project reports, PDF):
// the verdict comes from the 95 % confidence interval, and the numbers are rounded so that they
// never contradict each other. Pure.

import type { Interval } from './statistics.js';

/** A paired change: clear improvement or worsening only when the whole CI lies on one side of zero. */
export type ChangeVerdict = 'improved' | 'uncertain' | 'worsened';
/** An unpaired difference (one group against another) read the same way. */
export type DifferenceVerdict = 'higher' | 'similar' | 'lower';

export function changeVerdict(ci95: Interval | null): ChangeVerdict {
  if (ci95 && ci95[0] > 0) return 'improved';
  if (ci95 && ci95[1] < 0) return 'worsened';
  return 'uncertain';
}

export function differenceVerdict(ci95: Interval | null): DifferenceVerdict {
  const v = changeVerdict(ci95);
  return v === 'improved' ? 'higher' : v === 'worsened' ? 'lower' : 'similar';
}

export interface ChangeNumbers {
  /** Decimals to write every number of the change with; the numbers are already rounded to them. */
  digits: number;
  before: number | null;
  after: number | null;
  /** The change as written: the written after − the written before wherever both are written. */
  diff: number;
}

const MAX_DIGITS = 3;

/**
 * The rounding rule: means and change are written with the fewest decimals (at least one) at which
 * the rounded after minus the rounded before is the rounded change, so that "3,7 → 3,8" never
 * reads as a change of 0,0 and "3,7 → 3,7" never as −0,1. The change is computed from the
 * unrounded means; if even three decimals disagree, the change written is the difference of the
 * written means (off by at most 0,001).
 */
export function changeNumbers(before: number | null, after: number | null, diff: number): ChangeNumbers {
  if (before === null || after === null) return { digits: 1, before, after, diff };
  for (let digits = 1; ; digits++) {
    const scale = 10 ** digits;
    const [b, a] = [Math.round(before * scale), Math.round(after * scale)];
    if (a - b === Math.round(diff * scale) || digits === MAX_DIGITS) return { digits, before: b / scale, after: a / scale, diff: (a - b) / scale };
  }
}
