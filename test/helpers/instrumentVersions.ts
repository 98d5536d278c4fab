import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadInstruments, type InstrumentRegistry } from '../../server/domain/instrument.js';
import type { Instrument, Item } from '../../server/domain/instrumentTypes.js';
import { PATHS } from '../../server/paths.js';

const everyLanguage = (instrument: Instrument, text: string) => Object.fromEntries(instrument.languages.map((lang) => [lang, text]));

/**
 * A second version of the participant questionnaire, as a förbund would install the licensed
 * wording: trust in Försäkringskassan reworded (still comparable); coordination asks a new item
 * instead of no_repeat_story (items changed); feel_failure asked the other way round, no longer
 * reversed (scale changed); health scored only when both items are answered (scoring changed).
 */
export function participantVersion2(v1: Instrument): Instrument {
  const v2 = structuredClone(v1);
  v2.version = '2.0';
  const items = v2.sections.flatMap((s) => s.items);
  const item = (id: string): Item => items.find((i) => i.id === id)!;
  item('fk_trust').text = everyLanguage(v2, 'Jag har förtroende för Försäkringskassan.');
  Object.assign(item('no_repeat_story'), { id: 'one_plan', text: everyLanguage(v2, 'Jag har en gemensam plan med myndigheterna.') });
  v2.indicators.find((i) => i.id === 'coordination')!.items = ['agencies_cooperate', 'one_plan'];
  item('feel_failure').reversed = false;
  item('feel_failure').text = everyLanguage(v2, 'Jag känner att jag lyckas.');
  v2.indicators.find((i) => i.id === 'health')!.minAnsweredShare = 1;
  return v2;
}

/** A copy of indicators/ with participant-2.0.json beside participant.json, and its registry; `remove()` deletes it. */
export function indicatorsWithVersion2(): { dir: string; instruments: InstrumentRegistry; v1: Instrument; v2: Instrument; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'indikator-indicators-'));
  for (const name of fs.readdirSync(PATHS.indicators)) fs.copyFileSync(path.join(PATHS.indicators, name), path.join(dir, name));
  const v1 = JSON.parse(fs.readFileSync(path.join(dir, 'participant.json'), 'utf8')) as Instrument;
  fs.writeFileSync(path.join(dir, 'participant-2.0.json'), JSON.stringify(participantVersion2(v1), null, 2));
  const instruments = loadInstruments(dir);
  return { dir, instruments, v1: instruments.get('participant', '1.0')!, v2: instruments.get('participant', '2.0')!, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
