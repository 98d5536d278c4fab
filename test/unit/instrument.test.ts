import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  InstrumentError,
  InstrumentRegistry,
  compareVersions,
  findItem,
  itemsForPoint,
  loadInstruments,
  sectionsForPoint,
  validateInstrumentObject,
} from '../../server/domain/instrument.js';
import { localizedText, textDirection } from '../../server/domain/languages.js';
import {
  DIMENSIONS,
  ITEM_TYPES,
  MEASUREMENT_POINTS,
  RESPONDENT_GROUPS,
  type ChoiceOption,
  type Indicator,
  type Instrument,
  type Item,
  type Section,
} from '../../server/domain/instrumentTypes.js';

const INDICATORS_DIR = join(import.meta.dirname, '..', '..', 'indicators');
const PARTICIPANT_FILE = 'participant.json';

function readJson(fileName: string): unknown {
  return JSON.parse(readFileSync(join(INDICATORS_DIR, fileName), 'utf8'));
}

const participant = validateInstrumentObject(readJson(PARTICIPANT_FILE), PARTICIPANT_FILE);

/** JSON pointer of an item in the participant instrument. */
function itemPath(instrument: Instrument, itemId: string): string {
  for (const [s, section] of instrument.sections.entries()) {
    const i = section.items.findIndex((item) => item.id === itemId);
    if (i >= 0) return `/sections/${s}/items/${i}`;
  }
  throw new Error(`no item ${itemId}`);
}

/** A deep copy of the participant instrument, broken by `breakIt`; the item is untyped so it can be broken freely. */
function brokenParticipant(itemId: string, breakIt: (item: Record<string, unknown>) => void): unknown {
  const copy = structuredClone(participant);
  const item = findItem(copy, itemId);
  if (!item) throw new Error(`no item ${itemId}`);
  breakIt(item as unknown as Record<string, unknown>);
  return copy;
}

/** Every LocalizedText in the instrument (an object of strings with an "sv" text), with its JSON path. */
function localizedTexts(value: unknown, path = ''): Array<{ path: string; text: Record<string, string> }> {
  if (Array.isArray(value)) return value.flatMap((v, i) => localizedTexts(v, `${path}/${i}`));
  if (value === null || typeof value !== 'object') return [];
  const entries = Object.entries(value);
  if ('sv' in value && entries.every(([, v]) => typeof v === 'string')) return [{ path, text: value as Record<string, string> }];
  return entries.flatMap(([k, v]) => localizedTexts(v, `${path}/${k}`));
}

function rejection(action: () => unknown): InstrumentError {
  try {
    action();
  } catch (error) {
    expect(error).to.be.instanceOf(InstrumentError);
    return error as InstrumentError;
  }
  throw new Error('expected an InstrumentError');
}

function expectRejected(obj: unknown, path: string, reason: string, fileName = 'broken.json'): void {
  const error = rejection(() => validateInstrumentObject(obj, fileName));
  expect(error.message).to.equal(`${fileName}: ${path} ${reason}`);
  expect(error.message).not.to.include('\n');
  expect(error.file).to.equal(fileName);
  expect(error.path).to.equal(path);
  expect(error.reason).to.equal(reason);
}

function withTempDir(files: Record<string, string>, test: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'indikator-instruments-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    test(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('instrument files', () => {
  const shippedFiles = readdirSync(INDICATORS_DIR).filter((name) => name.endsWith('.json') && name !== 'schema.json');

  it('ships one instrument per respondent group', () => {
    const registry = loadInstruments(INDICATORS_DIR);
    expect(registry.list()).to.have.length(shippedFiles.length);
    for (const group of RESPONDENT_GROUPS) expect(registry.forGroup(group), group).to.have.length.at.least(1);
  });

  for (const fileName of shippedFiles) {
    it(`${fileName} validates`, () => {
      const instrument = validateInstrumentObject(readJson(fileName), fileName);
      expect(instrument.languages).to.include.members(['sv', 'en']);
      expect(instrument.indicators).to.have.length.within(3, 14);
      for (const indicator of instrument.indicators) expect(indicator.minAnsweredShare).to.equal(0.5);
    });
  }

  it('structural instruments ask yearly, have 8-14 items and one free-text item', () => {
    for (const id of ['staff', 'board', 'managers', 'referrers']) {
      const instrument = loadInstruments(INDICATORS_DIR).get(id);
      expect(instrument, id).to.not.equal(undefined);
      const items = itemsForPoint(instrument!, 'yearly');
      expect(items, id).to.have.length.within(8, 14);
      expect(items.filter((item) => item.type === 'text'), id).to.have.length(1);
      expect(items.every((item) => item.dimension === undefined), id).to.equal(true);
    }
  });
});

describe('schema.json and instrumentTypes.ts agree', () => {
  const schema = readJson('schema.json') as {
    properties: Record<string, { enum?: unknown[] }>;
    definitions: Record<string, { enum?: unknown[]; properties: Record<string, { enum?: unknown[] }> }>;
  };
  // `satisfies` makes the compiler fail when a property is added to or removed from a type.
  const instrumentKeys = {
    id: true, version: true, respondentGroup: true, languages: true, title: true, intro: true,
    scale: true, sections: true, indicators: true,
  } satisfies Record<keyof Instrument, true>;
  const itemKeys = {
    id: true, type: true, text: true, hint: true, reversed: true, points: true, dontKnow: true, options: true,
    min: true, max: true, maxLength: true, dimension: true,
  } satisfies Record<keyof Item, true>;
  const sectionKeys = { id: true, title: true, intro: true, items: true } satisfies Record<keyof Section, true>;
  const indicatorKeys = {
    id: true, area: true, text: true, items: true, minAnsweredShare: true,
  } satisfies Record<keyof Indicator, true>;
  const optionKeys = { value: true, text: true } satisfies Record<keyof ChoiceOption, true>;

  it('has the same properties', () => {
    expect(Object.keys(schema.properties)).to.have.members(Object.keys(instrumentKeys));
    expect(Object.keys(schema.definitions.item!.properties)).to.have.members(Object.keys(itemKeys));
    expect(Object.keys(schema.definitions.section!.properties)).to.have.members(Object.keys(sectionKeys));
    expect(Object.keys(schema.definitions.indicator!.properties)).to.have.members(Object.keys(indicatorKeys));
    expect(Object.keys(schema.definitions.choiceOption!.properties)).to.have.members(Object.keys(optionKeys));
  });

  it('has the same enums', () => {
    expect(schema.properties.respondentGroup!.enum).to.deep.equal([...RESPONDENT_GROUPS]);
    expect(schema.definitions.measurementPoint!.enum).to.deep.equal([...MEASUREMENT_POINTS]);
    expect(schema.definitions.item!.properties.type!.enum).to.deep.equal([...ITEM_TYPES]);
    expect(schema.definitions.item!.properties.dimension!.enum).to.deep.equal([...DIMENSIONS]);
  });
});

describe('participant instrument', () => {
  const satisfactionItems = participant.indicators.find((indicator) => indicator.id === 'satisfaction')!.items;

  it('asks the satisfaction items at exit only', () => {
    const exitItemIds = sectionsForPoint(participant, 'exit').flatMap((section) => section.items.map((item) => item.id));
    expect(exitItemIds).to.include.members(satisfactionItems);
    for (const point of ['start', 'ongoing', 'followup'] as const) {
      const ids = sectionsForPoint(participant, point).flatMap((section) => section.items.map((item) => item.id));
      expect(ids, point).to.not.include.any.members(satisfactionItems);
    }
  });

  it('asks the background items at start only, with the breakdown dimensions', () => {
    const startOnly = itemsForPoint(participant, 'start').filter((item) => item.points.length === 1);
    expect(startOnly.map((item) => item.id)).to.have.members(['age_band', 'gender', 'main_income', 'time_outside_work']);
    expect(findItem(participant, 'age_band')?.dimension).to.equal('ageBand');
    expect(findItem(participant, 'gender')?.dimension).to.equal('gender');
    const sectionIds = (point: 'start' | 'ongoing') => sectionsForPoint(participant, point).map((section) => section.id);
    expect(sectionIds('start')).to.include('about_you');
    expect(sectionIds('ongoing')).to.not.include('about_you');
  });

  it('ends every measurement point with the optional free-text item', () => {
    for (const point of ['start', 'ongoing', 'exit', 'followup'] as const) {
      expect(itemsForPoint(participant, point).at(-1)?.type, point).to.equal('text');
    }
  });

  it('offers "vet ej" on every agree7 item and has a reversed self-efficacy item', () => {
    const agreeItems = participant.sections.flatMap((section) => section.items).filter((item) => item.type === 'agree7');
    expect(agreeItems.every((item) => item.dontKnow === true)).to.equal(true);
    const selfEfficacy = participant.indicators.find((indicator) => indicator.id === 'self_efficacy')!;
    expect(selfEfficacy.items.some((id) => findItem(participant, id)?.reversed === true)).to.equal(true);
  });

  it('has one trust indicator per agency', () => {
    const ids = participant.indicators.map((indicator) => indicator.id);
    expect(ids).to.include.members(['trust_fk', 'trust_af', 'trust_health', 'trust_municipality']);
  });

  it('is right to left in Arabic and Persian only, by the language table', () => {
    expect(participant.languages.filter((lang) => textDirection(lang) === 'rtl')).to.deep.equal(['ar', 'fa']);
  });
});

describe('helpers', () => {
  it('text falls back to the base language, then the fallback language', () => {
    const localized = { sv: 'Hej', en: 'Hello' };
    expect(localizedText(localized, 'en', 'sv')).to.equal('Hello');
    expect(localizedText({ sv: 'Hej', 'sv-easy': 'Hej!' }, 'sv-easy', 'en')).to.equal('Hej!');
    expect(localizedText(localized, 'sv-easy', 'en')).to.equal('Hej');
    expect(localizedText(localized, 'fi', 'sv')).to.equal('Hej');
    expect(localizedText({ en: 'Hello' }, 'fi', 'sv')).to.equal('Hello');
  });

  it('findItem finds an item by id', () => {
    expect(findItem(participant, 'feel_failure')?.reversed).to.equal(true);
    expect(findItem(participant, 'no_such_item')).to.equal(undefined);
  });

  it('compares versions numerically part by part', () => {
    expect(compareVersions('1.10', '1.9')).to.equal(1);
    expect(compareVersions('1.0', '1')).to.equal(0);
    expect(compareVersions('2', '10')).to.equal(-1);
  });

  it('the registry returns the latest version unless one is named', () => {
    const version = (v: string): Instrument => ({ ...participant, version: v });
    const registry = new InstrumentRegistry([version('1.10'), version('1.9'), version('1.2')]);
    expect(registry.get('participant')?.version).to.equal('1.10');
    expect(registry.get('participant', '1.9')?.version).to.equal('1.9');
    expect(registry.get('participant', '3')).to.equal(undefined);
    expect(registry.get('staff')).to.equal(undefined);
    expect(registry.list().map((instrument) => instrument.version)).to.deep.equal(['1.2', '1.9', '1.10']);
    expect(registry.forGroup('participant')).to.have.length(3);
    expect(registry.forGroup('board')).to.have.length(0);
  });

  it('offers the latest version of every non-participant instrument as a yearly questionnaire, in group order', () => {
    const shipped = loadInstruments(INDICATORS_DIR);
    expect(shipped.yearly().map((instrument) => instrument.id)).to.deep.equal(['staff', 'board', 'managers', 'referrers']);
    const board = shipped.get('board')!;
    const registry = new InstrumentRegistry([{ ...board, version: '1.10' }, participant, { ...board, version: '1.9' }]);
    expect(registry.yearly().map((instrument) => `${instrument.id}@${instrument.version}`)).to.deep.equal(['board@1.10']);
  });
});

describe('broken instruments are rejected with file, JSON path and reason', () => {
  it('an indicator naming an unknown item', () => {
    const copy = structuredClone(participant);
    copy.indicators[0]!.items.push('no_such_item');
    expectRejected(copy, '/indicators/0/items/1', 'names unknown item "no_such_item"');
  });

  it('an indicator naming an item that is not agree7', () => {
    const copy = structuredClone(participant);
    copy.indicators[0]!.items = ['gender'];
    expectRejected(copy, '/indicators/0/items/0', 'names item "gender" of type single; indicators use only agree7 items');
  });

  it('a blank text', () => {
    const copy = structuredClone(participant);
    copy.sections[1]!.title.sv = '   ';
    expectRejected(copy, '/sections/1/title/sv', 'is empty (section "your_support")');
  });

  const at = (itemId: string): string => itemPath(participant, itemId);
  const itemBreaks: Array<{
    name: string;
    itemId: string;
    breakIt: (item: Record<string, unknown>) => void;
    /** JSON path below the item. */
    below: string;
    reason: string;
  }> = [
    {
      name: 'an item without its English text',
      itemId: 'plan_together',
      breakIt: (item) => delete (item.text as Record<string, string>).en,
      below: '/text',
      reason: 'has no "en" text (item "plan_together"); every text must be given in each language the instrument lists (sv, sv-easy, en, ar, fa, so, ti)',
    },
    {
      name: 'a text in a language the instrument does not declare',
      itemId: 'gender',
      breakIt: (item) => ((item.options as ChoiceOption[])[1]!.text.fi = 'Mies'),
      below: '/options/1/text/fi',
      reason: "is not one of the instrument's languages (sv, sv-easy, en, ar, fa, so, ti)",
    },
    {
      name: 'an unknown item type',
      itemId: 'overall_health',
      breakIt: (item) => (item.type = 'agree5'),
      below: '/type',
      reason: 'must be one of: agree7, single, multi, number, text',
    },
    {
      name: 'a reversed flag given as a string',
      itemId: 'feel_failure',
      breakIt: (item) => (item.reversed = 'true'),
      below: '/reversed',
      reason: 'must be boolean',
    },
    {
      name: 'a duplicate item id',
      itemId: 'life_satisfaction',
      breakIt: (item) => (item.id = 'fk_trust'),
      below: '/id',
      reason: `duplicates item id "fk_trust" (first at ${at('fk_trust')}/id)`,
    },
    {
      name: 'an agree7 item with options',
      itemId: 'listened_to',
      breakIt: (item) => (item.options = [{ value: 'yes', text: { sv: 'Ja', en: 'Yes', ar: 'نعم' } }]),
      below: '/options',
      reason: 'is not allowed for agree7 items',
    },
    {
      name: 'a single-choice item without options',
      itemId: 'main_income',
      breakIt: (item) => delete item.options,
      below: '/options',
      reason: 'is required',
    },
    {
      name: 'duplicate option values',
      itemId: 'age_band',
      breakIt: (item) => ((item.options as ChoiceOption[])[1]!.value = 'under_25'),
      below: '/options/1/value',
      reason: `duplicates option value "under_25" (first at ${at('age_band')}/options/0/value)`,
    },
    {
      name: 'an unknown property',
      itemId: 'overall_health',
      breakIt: (item) => (item.required = true),
      below: '/required',
      reason: 'is not a known property here',
    },
  ];

  for (const { name, itemId, breakIt, below, reason } of itemBreaks) {
    it(name, () => {
      expectRejected(brokenParticipant(itemId, breakIt), `${at(itemId)}${below}`, reason);
    });
  }

  it('a writing direction in the file (it is the language\'s, in languages.ts)', () => {
    expectRejected({ ...structuredClone(participant), rtlLanguages: ['ar'] }, '/rtlLanguages', 'is not a known property here');
  });

  it('min greater than max', () => {
    const copy = structuredClone(participant);
    const numberItem: Item = {
      id: 'hours_per_week', type: 'number', text: { sv: 'Timmar', en: 'Hours', ar: 'ساعات' },
      points: ['start'], min: 40, max: 0,
    };
    copy.sections[0]!.items.push(numberItem);
    expectRejected(copy, `/sections/0/items/${copy.sections[0]!.items.length - 1}/min`, '(40) is greater than max (0)');
  });

  it('minAnsweredShare of 0', () => {
    const copy = structuredClone(participant);
    copy.indicators[2]!.minAnsweredShare = 0;
    expectRejected(copy, '/indicators/2/minAnsweredShare', 'must be > 0');
  });

  it('a missing required property of the instrument', () => {
    const copy: Partial<Instrument> = structuredClone(participant);
    delete copy.scale;
    expectRejected(copy, '/scale', 'is required');
  });

  it('a file that is not valid JSON', () => {
    withTempDir({ 'good.json': JSON.stringify(participant), 'broken.json': '{\n  "id": "x",\n}\n' }, (dir) => {
      const error = rejection(() => loadInstruments(dir));
      expect(error.file).to.equal('broken.json');
      expect(error.path).to.equal('');
      expect(error.message).to.match(/^broken\.json: \/ is not valid JSON: .+ \(line 3, column 1\)$/);
    });
  });

  it('a JSON error quoting source lines still gives a one-line message', () => {
    withTempDir({ 'broken.json': '{\n  "id": "x",\n  "version": }\n' }, (dir) => {
      const error = rejection(() => loadInstruments(dir));
      expect(error.message).to.match(/^broken\.json: \/ is not valid JSON: /);
      expect(error.message).not.to.include('\n');
    });
  });

  it('a broken file in a directory names that file and path', () => {
    const broken = brokenParticipant('feel_failure', (item) => {
      item.reversed = 'yes';
    });
    withTempDir({ 'participant-local.json': JSON.stringify(broken) }, (dir) => {
      const error = rejection(() => loadInstruments(dir));
      expect(error.message).to.equal(
        `participant-local.json: ${itemPath(participant, 'feel_failure')}/reversed must be boolean`,
      );
    });
  });

  it('the same id and version in two files', () => {
    withTempDir({ 'a.json': JSON.stringify(participant), 'b.json': JSON.stringify(participant) }, (dir) => {
      const error = rejection(() => loadInstruments(dir));
      expect(error.message).to.equal('b.json: /version instrument "participant" version 1.0 is also defined in a.json');
    });
  });

  it('loads other versions side by side and ignores schema.json', () => {
    const newer = { ...structuredClone(participant), version: '1.1' };
    withTempDir(
      { 'schema.json': '{"not": "an instrument"}', 'a.json': JSON.stringify(participant), 'b.json': JSON.stringify(newer) },
      (dir) => {
        const registry = loadInstruments(dir);
        expect(registry.list()).to.have.length(2);
        expect(registry.get('participant')?.version).to.equal('1.1');
      },
    );
  });
});

describe('easy-to-read Swedish (sv-easy) in the participant instrument', () => {
  const items = participant.sections.flatMap((section) => section.items);
  const sentences = (text: string) => text.split(/(?<=[.!?])\s+/).map((s) => s.trim()).filter((s) => s !== '');
  const words = (sentence: string) => sentence.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));

  it('declares sv-easy and has a non-empty sv-easy text in every LocalizedText', () => {
    expect(participant.languages).to.include('sv-easy');
    const texts = localizedTexts(participant);
    expect(texts.length).to.be.greaterThan(80);
    const missing = texts.filter(({ text: t }) => typeof t['sv-easy'] !== 'string' || t['sv-easy'].trim() === '').map(({ path }) => path);
    expect(missing).to.deep.equal([]);
  });

  it('really rewrites the item texts: at least 80 % differ from the Swedish', () => {
    const rewritten = items.filter((item) => item.text['sv-easy'] !== item.text.sv);
    expect(rewritten.length / items.length).to.be.at.least(0.8);
  });

  it('keeps sentences short: on average at most 12 words per sentence in the item texts and hints', () => {
    const all = items.flatMap((item) => [item.text['sv-easy']!, ...(item.hint ? [item.hint['sv-easy']!] : [])]).flatMap(sentences);
    const average = all.reduce((sum, s) => sum + words(s).length, 0) / all.length;
    expect(all.length).to.be.at.least(items.length);
    expect(average).to.be.at.most(12);
  });
});

describe('Persian, Somali and Tigrinya in the participant instrument', () => {
  const texts = localizedTexts(participant);
  const SCRIPTS = { fa: /\p{Script=Arabic}/u, so: /^[\p{Script=Latin}\p{N}\p{P}\p{Zs}\p{Sm}]+$/u, ti: /\p{Script=Ethiopic}/u };

  it('declares fa, so and ti beside sv, sv-easy, en and ar', () => {
    expect(participant.languages).to.deep.equal(['sv', 'sv-easy', 'en', 'ar', 'fa', 'so', 'ti']);
  });

  it('writes Persian in Persian script, Somali in Latin letters and Tigrinya in Ge\'ez script, every text its own', () => {
    expect(texts.length).to.be.greaterThan(80);
    for (const [lang, script] of Object.entries(SCRIPTS)) {
      expect(texts.filter(({ text }) => !script.test(text[lang]!)).map(({ path }) => path), lang).to.deep.equal([]);
    }
    // Persian is not the Arabic text copied: most texts differ, and Persian letters (پ چ ژ گ ی) appear.
    expect(texts.filter(({ text }) => text.fa === text.ar).length).to.equal(0);
    expect(texts.filter(({ text }) => /[پچژگی]/.test(text.fa!)).length / texts.length).to.be.greaterThan(0.5);
  });

  it('keeps the agencies\' Swedish names in the questions and indicators that name them', () => {
    for (const name of ['Försäkringskassan', 'Arbetsförmedlingen']) {
      for (const { path, text } of texts.filter(({ path, text }) => path.endsWith('/text') && text.sv!.includes(name))) {
        for (const lang of ['fa', 'so', 'ti']) expect(text[lang], `${path} ${lang}`).to.include(name);
      }
    }
  });

  it('refuses an instrument that lists a language one text lacks, naming the item and the language', () => {
    const copy = brokenParticipant('gender', (item) => delete (item.options as ChoiceOption[])[0]!.text.ti);
    expectRejected(copy, `${itemPath(participant, 'gender')}/options/0/text`,
      'has no "ti" text (option "woman" of item "gender"); every text must be given in each language the instrument lists (sv, sv-easy, en, ar, fa, so, ti)');
    const hintless = brokenParticipant('mental_wellbeing', (item) => delete (item.hint as Record<string, string>).fa);
    expect(rejection(() => validateInstrumentObject(hintless, 'x.json')).message)
      .to.equal(`x.json: ${itemPath(participant, 'mental_wellbeing')}/hint has no "fa" text (item "mental_wellbeing"); every text must be given in each language the instrument lists (sv, sv-easy, en, ar, fa, so, ti)`);
  });

  it('refuses at start-up (loading indicators/) a file whose section or indicator lacks a text, in one line', () => {
    const copy = structuredClone(participant);
    delete (copy.sections[2]!.title as Record<string, string>).so;
    withTempDir({ 'participant.json': JSON.stringify(copy) }, (dir) => {
      const error = rejection(() => loadInstruments(dir));
      expect(error.message).to.match(/^participant\.json: \/sections\/2\/title has no "so" text \(section "yourself"\); /);
      expect(error.message).not.to.include('\n');
    });
    const noIndicatorText = structuredClone(participant);
    delete (noIndicatorText.indicators[1]!.text as Record<string, string>).fa;
    expect(rejection(() => validateInstrumentObject(noIndicatorText, 'p.json')).reason).to.match(/^has no "fa" text \(indicator "trust_af"\)/);
  });
});
