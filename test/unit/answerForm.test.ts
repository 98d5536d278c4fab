import { expect } from 'chai';
import { DEFAULT_TEXT_MAX, DONT_KNOW, formValue, parseSectionForm } from '../../server/domain/answerForm.js';
import type { Item } from '../../server/domain/instrumentTypes.js';

const points: Item['points'] = ['start'];
const agree: Item = { id: 'trust', type: 'agree7', text: { sv: 'Jag litar' }, points, dontKnow: true };
const agreeNoDk: Item = { id: 'strict', type: 'agree7', text: { sv: 'Utan vet ej' }, points };
const options = [{ value: 'woman', text: { sv: 'Kvinna' } }, { value: 'man', text: { sv: 'Man' } }, { value: 'other', text: { sv: 'Annat' } }];
const single: Item = { id: 'gender', type: 'single', text: { sv: 'Kön' }, points, options, dontKnow: true };
const multi: Item = { id: 'support', type: 'multi', text: { sv: 'Stöd' }, points, options };
const number: Item = { id: 'months', type: 'number', text: { sv: 'Månader' }, points, min: 0, max: 120 };
const text: Item = { id: 'comment', type: 'text', text: { sv: 'Övrigt' }, points, maxLength: 10 };
const textDefault: Item = { id: 'long', type: 'text', text: { sv: 'Lång' }, points };
const all = [agree, agreeNoDk, single, multi, number, text, textDefault];

const parse = (body: Record<string, unknown>, items: Item[] = all) => parseSectionForm(items, body);
const errorsOf = (body: Record<string, unknown>, items?: Item[]) => parse(body, items).errors;

describe('answerForm.parseSectionForm', () => {
  it('reads a full page of valid answers of every item type', () => {
    const parsed = parse({
      _csrf: 'token', action: 'next',
      item_trust: '6', item_strict: '1', item_gender: 'woman', item_support: ['man', 'other'],
      item_months: '12', item_comment: ' hej ', item_long: 'rad ett',
    });
    expect(parsed.errors).to.deep.equal([]);
    expect(parsed.unknownFields).to.deep.equal([]);
    expect(parsed.cleared).to.deep.equal([]);
    expect(parsed.answers).to.deep.equal([
      { itemId: 'trust', num: 6, text: null, dontKnow: false },
      { itemId: 'strict', num: 1, text: null, dontKnow: false },
      { itemId: 'gender', num: null, text: 'woman', dontKnow: false },
      { itemId: 'support', num: null, text: JSON.stringify(['man', 'other']), dontKnow: false },
      { itemId: 'months', num: 12, text: null, dontKnow: false },
      { itemId: 'comment', num: null, text: 'hej', dontKnow: false },
      { itemId: 'long', num: null, text: 'rad ett', dontKnow: false },
    ]);
  });

  it('accepts every step of the 1–7 scale and nothing outside it', () => {
    for (let v = 1; v <= 7; v++) expect(parse({ item_trust: String(v) }, [agree]).answers[0]!.num).to.equal(v);
    // A spreadsheet may write a whole number with decimals, in either notation.
    for (const [given, num] of [['5,0', 5], ['5.0', 5], ['+3', 3]] as const) expect(parse({ item_trust: given }, [agree]).answers[0]!.num, given).to.equal(num);
    for (const bad of ['0', '8', '-1', '3.5', '3,5', '1e0x', '5e0', '0x5', 'sju', '7 7']) {
      expect(errorsOf({ item_trust: bad }, [agree]), bad).to.deep.equal([{ itemId: 'trust', code: 'answer.outOfRange' }]);
    }
    expect(errorsOf({ item_trust: ['3', '4'] }, [agree])).to.deep.equal([{ itemId: 'trust', code: 'answer.outOfRange' }]);
  });

  it('stores "vet ej" as missing, not as a number, where it is offered', () => {
    expect(parse({ item_trust: DONT_KNOW }, [agree]).answers).to.deep.equal([{ itemId: 'trust', num: null, text: null, dontKnow: true }]);
    expect(parse({ item_gender: DONT_KNOW }, [single]).answers).to.deep.equal([{ itemId: 'gender', num: null, text: null, dontKnow: true }]);
  });

  it('refuses "vet ej" where the item does not offer it', () => {
    expect(errorsOf({ item_strict: DONT_KNOW }, [agreeNoDk])).to.deep.equal([{ itemId: 'strict', code: 'answer.dontKnowNotOffered' }]);
    expect(errorsOf({ item_support: DONT_KNOW }, [multi])).to.deep.equal([{ itemId: 'support', code: 'answer.dontKnowNotOffered' }]);
  });

  it('refuses a value that is not one of the options', () => {
    expect(errorsOf({ item_gender: 'alien' }, [single])).to.deep.equal([{ itemId: 'gender', code: 'answer.notAnOption' }]);
    expect(errorsOf({ item_gender: ['woman', 'man'] }, [single])).to.deep.equal([{ itemId: 'gender', code: 'answer.notAnOption' }]);
    expect(errorsOf({ item_support: ['man', 'alien'] }, [multi])).to.deep.equal([{ itemId: 'support', code: 'answer.notAnOption' }]);
  });

  it('keeps each chosen option of a multi item once', () => {
    expect(parse({ item_support: ['man', 'man', 'woman'] }, [multi]).answers[0]!.text).to.equal(JSON.stringify(['man', 'woman']));
  });

  it('reads numbers with a decimal comma or point and refuses what is not a number', () => {
    expect(parse({ item_months: '3,5' }, [number]).answers[0]!.num).to.equal(3.5);
    expect(parse({ item_months: '3.5' }, [number]).answers[0]!.num).to.equal(3.5);
    expect(parse({ item_months: ' 0 ' }, [number]).answers[0]!.num).to.equal(0);
    for (const bad of ['tolv', '1e2', '12 månader', '0x10', 'Infinity', DONT_KNOW, '1,2,3']) {
      expect(errorsOf({ item_months: bad }, [number]), bad).to.deep.equal([{ itemId: 'months', code: 'answer.notANumber' }]);
    }
    expect(errorsOf({ item_months: ['1', '2'] }, [number])).to.deep.equal([{ itemId: 'months', code: 'answer.notANumber' }]);
  });

  it('refuses numbers outside the item min and max', () => {
    expect(errorsOf({ item_months: '-1' }, [number])).to.deep.equal([{ itemId: 'months', code: 'answer.outOfRange' }]);
    expect(errorsOf({ item_months: '121' }, [number])).to.deep.equal([{ itemId: 'months', code: 'answer.outOfRange' }]);
    expect(parse({ item_months: '120' }, [number]).errors).to.deep.equal([]);
  });

  it('refuses text longer than the item maxLength, or than the default limit', () => {
    expect(parse({ item_comment: 'x'.repeat(10) }, [text]).errors).to.deep.equal([]);
    expect(errorsOf({ item_comment: 'x'.repeat(11) }, [text])).to.deep.equal([{ itemId: 'comment', code: 'answer.tooLong' }]);
    expect(parse({ item_long: 'x'.repeat(DEFAULT_TEXT_MAX) }, [textDefault]).errors).to.deep.equal([]);
    expect(errorsOf({ item_long: 'x'.repeat(DEFAULT_TEXT_MAX + 1) }, [textDefault])).to.deep.equal([{ itemId: 'long', code: 'answer.tooLong' }]);
  });

  it('counts a line break as one character, as the browser textarea maxlength does', () => {
    // Browsers send a textarea's line breaks as CRLF but count them as one character for maxlength.
    const parsed = parse({ item_comment: 'abcd\r\nefghi' }, [text]);
    expect(parsed.errors).to.deep.equal([]);
    expect(parsed.answers[0]!.text).to.equal('abcd\nefghi');
  });

  it('keeps a free-text "dk" as text: "vet ej" is for choice items only', () => {
    expect(parse({ item_comment: DONT_KNOW }, [text]).answers[0]).to.deep.equal({ itemId: 'comment', num: null, text: DONT_KNOW, dontKnow: false });
  });

  it('lists fields that name no item of the page, and ignores fields without the item prefix', () => {
    const parsed = parse({ _csrf: 'x', action: 'next', item_trust: '3', item_nosuch: '4', 'item_trust ': '5', item_: '1' }, [agree]);
    expect(parsed.unknownFields.sort()).to.deep.equal(['item_', 'item_nosuch', 'item_trust '].sort());
    expect(parsed.answers).to.have.length(1);
  });

  it('treats an item of another page as unknown', () => {
    expect(parse({ item_gender: 'woman' }, [agree]).unknownFields).to.deep.equal(['item_gender']);
  });

  it('clears items left empty, blank or only whitespace', () => {
    const parsed = parse({ item_trust: '', item_gender: '   ', item_support: [], item_comment: '\r\n ' });
    expect(parsed.answers).to.deep.equal([]);
    expect(parsed.errors).to.deep.equal([]);
    expect(parsed.cleared).to.deep.equal(all.map((i) => i.id));
  });

  it('reports every wrong item of a page, not only the first', () => {
    const parsed = parse({ item_trust: '9', item_gender: 'alien', item_months: 'x', item_comment: 'x'.repeat(50) });
    expect(parsed.errors.map((e) => e.itemId)).to.deep.equal(['trust', 'gender', 'months', 'comment']);
    expect(parsed.answers).to.deep.equal([]);
  });
});

describe('answerForm.formValue', () => {
  it('puts stored answers back into the form the way they were posted', () => {
    expect(formValue(agree, { itemId: 'trust', num: 5, text: null, dontKnow: false })).to.deep.equal(['5']);
    expect(formValue(agree, { itemId: 'trust', num: null, text: null, dontKnow: true })).to.deep.equal([DONT_KNOW]);
    expect(formValue(single, { itemId: 'gender', num: null, text: 'man', dontKnow: false })).to.deep.equal(['man']);
    expect(formValue(multi, { itemId: 'support', num: null, text: '["man","other"]', dontKnow: false })).to.deep.equal(['man', 'other']);
    expect(formValue(text, { itemId: 'comment', num: null, text: 'hej', dontKnow: false })).to.deep.equal(['hej']);
    expect(formValue(agree, undefined)).to.deep.equal([]);
  });

  it('round-trips every parsed answer', () => {
    const body = { item_trust: '2', item_strict: '7', item_gender: 'other', item_support: ['woman', 'man'], item_months: '3.5', item_comment: 'ok', item_long: 'a\nb' };
    for (const answer of parse(body).answers) {
      const item = all.find((i) => i.id === answer.itemId)!;
      const again = parse({ [`item_${item.id}`]: formValue(item, answer) }, [item]).answers[0];
      expect(again, item.id).to.deep.equal(answer);
    }
  });
});
