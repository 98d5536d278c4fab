import type { Section } from '../../server/domain/instrumentTypes.js';

/** One answer per item of the participant start questionnaire, as form values ("dk" is "vet ej"). */
export const START_ANSWERS: Record<string, string> = {
  fk_trust: '6', af_trust: 'dk', health_care_trust: '3', municipality_trust: '5', agencies_cooperate: '4', no_repeat_story: '2',
  listened_to: '7', seen_as_person: '6', plan_together: 'dk',
  believe_in_myself: '5', handle_hard_things: '3', feel_failure: '2',
  overall_health: '4', mental_wellbeing: '5', life_satisfaction: '3', someone_to_talk_to: '7', meaningful_days: 'dk',
  able_to_work_or_study: '2', work_within_year: 'dk', know_next_step: 'dk',
  age_band: '30_39', gender: 'woman', main_income: 'dk', time_outside_work: '1_2_years',
  anything_else: 'Bra stöd & <trevlig> personal',
};

/** START_ANSWERS scored by hand: "vet ej" is missing, feel_failure is reversed (2 → 6), at least half answered. */
export const EXPECTED_START_SCORES: Record<string, number> = {
  trust_fk: 6,
  trust_health: 3,
  trust_municipality: 5,
  participation: (7 + 6) / 2,
  coordination: (4 + 2) / 2,
  self_efficacy: (5 + 3 + 6) / 3,
  health: (4 + 5) / 2,
  life_situation: (3 + 7) / 2,
  // trust_af (only "vet ej") and work_ability (1 of 3 answered) get no score; satisfaction is exit only.
};

/** The form fields (`item_<id>`) of one page for the answers given. */
export function pageFields(section: Section, answers: Record<string, string> = START_ANSWERS): Record<string, string> {
  return Object.fromEntries(section.items.filter((i) => answers[i.id] !== undefined).map((i) => [`item_${i.id}`, answers[i.id]!]));
}
