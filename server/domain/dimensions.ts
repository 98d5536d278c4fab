import type { Dimension, Instrument } from './instrumentTypes.js';
import type { Answer } from './scoring.js';

export type Dimensions = Record<Dimension, string | null>;

/** The breakdown values (gender, age band) a response gives, from the items the instrument marks with a dimension. */
export function dimensionsOf(instrument: Instrument, answers: Map<string, Answer>): Dimensions {
  const dims: Dimensions = { gender: null, ageBand: null };
  for (const section of instrument.sections) {
    for (const item of section.items) {
      if (!item.dimension) continue;
      const answer = answers.get(item.id);
      if (answer && !answer.dontKnow && answer.text !== null) dims[item.dimension] = answer.text;
    }
  }
  return dims;
}

/**
 * A person's breakdown values once an answer of theirs is in: what the answer gives replaces what
 * was known, what it leaves out keeps it (one gives gender at start, a later answer none).
 */
export function personDimensions(before: Dimensions, given: Dimensions): Dimensions {
  return { gender: given.gender ?? before.gender, ageBand: given.ageBand ?? before.ageBand };
}

/** The options of the item that carries a dimension (for filter menus), in instrument order. */
export function dimensionOptions(instrument: Instrument, dimension: Dimension): { value: string; text: Record<string, string> }[] {
  for (const section of instrument.sections) for (const item of section.items) if (item.dimension === dimension) return item.options ?? [];
  return [];
}
