// The shape of an instrument file in indicators/. indicators/schema.json describes the same shape;
// test/unit/instrument.test.ts checks that the shipped files and this type agree.

export const RESPONDENT_GROUPS = ['participant', 'staff', 'board', 'managers', 'referrers'] as const;
export type RespondentGroup = (typeof RESPONDENT_GROUPS)[number];

export const MEASUREMENT_POINTS = ['start', 'ongoing', 'exit', 'followup', 'yearly'] as const;
export type MeasurementPoint = (typeof MEASUREMENT_POINTS)[number];
/** The points of an individual intervention's participants (the yearly questionnaire is anonymous, of structural ones). */
/** Individual interventions have participants; structural ones (cooperation, staff training) answer yearly and anonymously. */
export const INTERVENTION_KINDS = ['individual', 'structural'] as const;
export type InterventionKind = (typeof INTERVENTION_KINDS)[number];

export const INDIVIDUAL_POINTS: readonly MeasurementPoint[] = MEASUREMENT_POINTS.filter((p) => p !== 'yearly');

export const ITEM_TYPES = ['agree7', 'single', 'multi', 'number', 'text'] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

/** Breakdown dimensions an item may feed (analysis filters, equality indicator). */
export const DIMENSIONS = ['gender', 'ageBand'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** A text in every language the instrument declares, keyed by language code ("sv", "en", "sv-easy", "ar" …). */
export type LocalizedText = Record<string, string>;

export interface ChoiceOption {
  value: string;
  text: LocalizedText;
}

export interface Item {
  id: string;
  type: ItemType;
  text: LocalizedText;
  hint?: LocalizedText;
  /** Scored as 8 − x (agree7 only). */
  reversed?: boolean;
  /** Measurement points that ask this item. */
  points: MeasurementPoint[];
  /** Whether "vet ej / vill inte svara" is offered; stored as missing, never as a number. */
  dontKnow?: boolean;
  options?: ChoiceOption[];
  min?: number;
  max?: number;
  maxLength?: number;
  dimension?: Dimension;
}

export interface Section {
  id: string;
  title: LocalizedText;
  intro?: LocalizedText;
  items: Item[];
}

export interface Indicator {
  id: string;
  /** The indicator area (trust, participation, coordination, selfEfficacy, health, workAbility, lifeSituation, satisfaction, structural areas). */
  area: string;
  text: LocalizedText;
  items: string[];
  /** A score is computed only when at least this share of the items asked at that point is answered. */
  minAnsweredShare: number;
}

export interface Instrument {
  id: string;
  version: string;
  respondentGroup: RespondentGroup;
  languages: string[];
  title: LocalizedText;
  intro: LocalizedText;
  /** Labels of the agreement scale: 1 and 7 ends, and the "vet ej" choice. */
  scale: { low: LocalizedText; high: LocalizedText; dontKnow: LocalizedText };
  sections: Section[];
  indicators: Indicator[];
}
