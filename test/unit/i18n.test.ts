import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { negotiateLanguage, translator, UI_LANGUAGES } from '../../server/i18n/index.js';
import { PATHS } from '../../server/paths.js';
import { PROBLEMS } from '../../server/problem.js';
import { AUDIT_ACTIONS, auditActionKey } from '../../server/domain/auditEvent.js';

type Tree = { [key: string]: string | Tree };

function load(lang: string): Tree {
  return JSON.parse(fs.readFileSync(path.join(PATHS.i18n, `${lang}.json`), 'utf8')) as Tree;
}

/** Every leaf of a translation file as "a.b.c" → text. */
function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(full, value);
    else for (const [k, v] of leaves(value, full)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

const languageFiles = fs.readdirSync(PATHS.i18n).filter((f) => f.endsWith('.json')).map((f) => path.basename(f, '.json')).sort();
const sv = leaves(load('sv'));
const en = leaves(load('en'));
// The parts a participant sees: every translation must have all of them.
const PARTICIPANT_PARTS = ['survey.', 'errors.', 'app.'];

describe('i18n files', () => {
  it('names every audit event in Swedish and English', () => {
    for (const action of AUDIT_ACTIONS) {
      expect(sv.get(auditActionKey(action)), action).to.be.a('string').and.not.equal('');
      expect(en.get(auditActionKey(action)), action).to.be.a('string').and.not.equal('');
    }
  });

  it('has Swedish, English and Arabic', () => {
    expect(languageFiles).to.include.members(['sv', 'en', 'ar']);
  });

  it('sv.json and en.json have exactly the same keys', () => {
    expect([...en.keys()].filter((k) => !sv.has(k)), 'in en only').to.deep.equal([]);
    expect([...sv.keys()].filter((k) => !en.has(k)), 'in sv only').to.deep.equal([]);
  });

  it('has a title and a text for every problem code in sv and en', () => {
    for (const code of Object.keys(PROBLEMS)) {
      for (const [lang, texts] of [['sv', sv], ['en', en]] as const) {
        expect(texts.get(`errors.${code}.title`), `${lang} errors.${code}.title`).to.be.a('string').and.not.equal('');
        expect(texts.get(`errors.${code}.text`), `${lang} errors.${code}.text`).to.be.a('string').and.not.equal('');
      }
    }
  });

  for (const lang of languageFiles.filter((l) => l !== 'sv')) {
    describe(`${lang}.json`, () => {
      const texts = leaves(load(lang));

      it('has every participant-facing key that sv has (app, errors, survey)', () => {
        const missing = [...sv.keys()].filter((k) => PARTICIPANT_PARTS.some((p) => k.startsWith(p)) && !texts.has(k));
        expect(missing).to.deep.equal([]);
      });

      it('has no keys that sv lacks', () => {
        expect([...texts.keys()].filter((k) => !sv.has(k))).to.deep.equal([]);
      });

      it('keeps the placeholders of every text it translates', () => {
        for (const [key, text] of texts) {
          const original = sv.get(key);
          if (original !== undefined) expect(placeholders(text), `${lang} ${key}`).to.deep.equal(placeholders(original));
        }
      });

      it('has no empty texts (where sv has one) and names itself', () => {
        for (const [key, text] of texts) if (sv.get(key) !== '') expect(text.trim(), `${lang} ${key}`).to.not.equal('');
        expect(texts.get('meta.name')).to.be.a('string');
        expect(texts.get('meta.name')).to.not.equal(sv.get('meta.name'));
      });
    });
  }


  it('has every key the participant views ask for by name', () => {
    const dirs = [path.join(PATHS.views, 'survey'), path.join(PATHS.views, 'partials')];
    const files = [...dirs.flatMap((d) => fs.readdirSync(d).map((f) => path.join(d, f))), path.join(PATHS.views, 'error.ejs')];
    const used = new Set<string>();
    for (const file of files) for (const m of fs.readFileSync(file, 'utf8').matchAll(/\bt\('([a-zA-Z0-9_.]+)'\s*[,)]/g)) used.add(m[1]!);
    expect(used.size).to.be.greaterThan(20);
    expect([...used].filter((k) => !sv.has(k))).to.deep.equal([]);
  });
});

describe('i18n runtime', () => {
  it('lists Swedish first and every file by its own name', () => {
    expect(UI_LANGUAGES[0]).to.deep.equal({ code: 'sv', name: 'Svenska' });
    expect(UI_LANGUAGES.map((l) => l.code).sort()).to.deep.equal(languageFiles);
    expect(UI_LANGUAGES.find((l) => l.code === 'ar')?.name).to.equal('العربية');
  });

  it('translates, interpolates and falls back to Swedish', () => {
    expect(translator('sv')('survey.progress', { n: 2, total: 7 })).to.equal('Del 2 av 7');
    expect(translator('en')('survey.progress', { n: 2, total: 7 })).to.equal('Part 2 of 7');
    expect(translator('ar')('survey.progress', { n: 2, total: 7 })).to.include('2').and.include('7');
    expect(translator('xx')('survey.next')).to.equal('Spara och gå vidare');
  });

  it('negotiates the language: explicit choice, then Accept-Language, then Swedish', () => {
    expect(negotiateLanguage('en', 'ar')).to.equal('en');
    expect(negotiateLanguage('klingon', 'ar-SE,ar;q=0.9')).to.equal('ar');
    expect(negotiateLanguage(undefined, 'en-GB,en;q=0.8')).to.equal('en');
    expect(negotiateLanguage(undefined, 'de-DE')).to.equal('sv');
    expect(negotiateLanguage(undefined, undefined)).to.equal('sv');
  });
});

describe('sv-easy.json (lätt svenska)', () => {
  // Everything a participant can see: the survey, its errors, the page frame and the measurement points.
  const PARTICIPANT_FACING = ['app.', 'errors.', 'survey.', 'points.'];

  it('exists, names itself "Lätt svenska" and is offered as a UI language', () => {
    expect(languageFiles).to.include('sv-easy');
    expect(UI_LANGUAGES.find((l) => l.code === 'sv-easy')?.name).to.equal('Lätt svenska');
  });

  it('has every participant-facing key of sv.json (app, errors, survey, points), none empty', () => {
    const easy = leaves(load('sv-easy'));
    const wanted = [...sv.keys()].filter((k) => PARTICIPANT_FACING.some((p) => k.startsWith(p)));
    expect(wanted.length).to.be.greaterThan(50);
    expect(wanted.filter((k) => !easy.has(k))).to.deep.equal([]);
    expect(wanted.filter((k) => easy.get(k)!.trim() === '')).to.deep.equal([]);
  });

  it('is chosen by an explicit ?lang=sv-easy and translates the survey', () => {
    expect(negotiateLanguage('sv-easy', 'en-GB,en;q=0.8')).to.equal('sv-easy');
    expect(translator('sv-easy')('survey.progress', { n: 2, total: 7 })).to.equal('Sida 2 av 7');
    expect(translator('sv-easy')('survey.next')).to.not.equal(translator('sv')('survey.next'));
  });
});
