import type { Instrument, Item, MeasurementPoint } from './instrumentTypes.js';

/** One stored answer. `dontKnow` is "vet ej / vill inte svara": missing, never a number. */
export interface Answer {
  itemId: string;
  num: number | null;
  text: string | null;
  dontKnow: boolean;
}

export interface IndicatorScore {
  indicatorId: string;
  score: number;
}

export const SCALE_MIN = 1;
export const SCALE_MAX = 7;

/** The value that counts for scoring: reversed items are flipped (8 − x); unanswered and "vet ej" count as missing. */
export function scoredValue(item: Item, answer: Answer | undefined): number | null {
  if (!answer || answer.dontKnow || answer.num === null) return null;
  return item.reversed ? SCALE_MIN + SCALE_MAX - answer.num : answer.num;
}

/**
 * Indicator scores of one response: the mean of the indicator's items asked at this measurement
 * point, only when at least `minAnsweredShare` of them are answered.
 */
export function scoreResponse(instrument: Instrument, point: MeasurementPoint, answers: Map<string, Answer>): IndicatorScore[] {
  const items = new Map<string, Item>();
  for (const section of instrument.sections) for (const item of section.items) items.set(item.id, item);
  const scores: IndicatorScore[] = [];
  for (const indicator of instrument.indicators) {
    const asked = indicator.items.map((id) => items.get(id)).filter((item): item is Item => !!item && item.points.includes(point));
    if (asked.length === 0) continue;
    const values = asked.map((item) => scoredValue(item, answers.get(item.id))).filter((v): v is number => v !== null);
    // Compared as a share, not as share × count: 0.28 × 25 is 7.000000000000001 in floating point.
    if (values.length === 0 || values.length / asked.length < indicator.minAnsweredShare) continue;
    scores.push({ indicatorId: indicator.id, score: values.reduce((a, b) => a + b, 0) / values.length });
  }
  return scores;
}
