import { expect } from 'chai';
import { answersFingerprint, CSV_MAX_BYTES, ERRORS_KEPT, IMPORT_MAX_ROWS, ImportCheck, planImport, templateColumns, templateCsv, type ImportPoint, type ImportSetting } from '../../server/domain/csvImport.js';
import type { Instrument, Item } from '../../server/domain/instrumentTypes.js';
import { scoreResponse } from '../../server/domain/scoring.js';

const sv = (text: string) => ({ sv: text, en: text });
const options = (...values: string[]) => values.map((value) => ({ value, text: sv(value) }));
const items: Item[] = [
  { id: 'trust', type: 'agree7', text: sv('Jag litar'), points: ['start', 'exit'], dontKnow: true },
  { id: 'failure', type: 'agree7', text: sv('Misslyckad'), points: ['start', 'exit'], reversed: true },
  { id: 'gender', type: 'single', text: sv('Kön'), points: ['start'], options: options('woman', 'man', 'other'), dimension: 'gender' },
  { id: 'support', type: 'multi', text: sv('Stöd'), points: ['start'], options: options('fk', 'af', 'region') },
  { id: 'months', type: 'number', text: sv('Månader'), points: ['start'], min: 0, max: 120 },
  { id: 'comment', type: 'text', text: sv('Övrigt'), points: ['start', 'exit'], maxLength: 10 },
  { id: 'satisfied', type: 'agree7', text: sv('Nöjd'), points: ['exit'], dontKnow: true },
];
const instrument: Instrument = {
  id: 'participant', version: '1.0', respondentGroup: 'participant', languages: ['sv', 'en'], title: sv('Enkät'), intro: sv('Intro'),
  scale: { low: sv('Inte alls'), high: sv('Helt'), dontKnow: sv('Vet ej') },
  sections: [{ id: 's1', title: sv('Del'), items }],
  indicators: [
    { id: 'trust_ind', area: 'trust', text: sv('Förtroende'), items: ['trust', 'failure'], minAnsweredShare: 0.5 },
    { id: 'satisfaction', area: 'satisfaction', text: sv('Nöjdhet'), items: ['satisfied'], minAnsweredShare: 0.5 },
  ],
};
const points: ImportPoint[] = [{ point: 'start', instrument }, { point: 'exit', instrument }];

function setting(over: Partial<ImportSetting> = {}): ImportSetting {
  return { points, rounds: [], today: '2026-06-30', participants: [], submitted: [], ...over };
}

const HEADER = 'participant_ref;point;submitted_on;language;trust;failure;gender;support;months;comment;satisfied';
const csv = (...rows: string[]) => [HEADER, ...rows].join('\r\n');
const codes = (text: string, s = setting()) => planImport(text, s).errors.map((e) => [e.row, e.column, e.code]);

describe('csvImport.templateColumns and templateCsv', () => {
  it('has the fixed columns, then every item asked at any point, once, in instrument order', () => {
    expect(templateColumns(points)).to.deep.equal(['participant_ref', 'point', 'submitted_on', 'language', 'trust', 'failure', 'gender', 'support', 'months', 'comment', 'satisfied']);
    expect(templateColumns([{ point: 'exit', instrument }])).to.deep.equal(['participant_ref', 'point', 'submitted_on', 'language', 'trust', 'failure', 'comment', 'satisfied']);
  });

  it('writes a ;-separated header with a BOM for Excel', () => {
    expect(templateCsv(points)).to.equal(`\uFEFF${HEADER}\r\n`);
  });

  it('reads its own template back as a file with no rows', () => {
    expect(codes(templateCsv(points))).to.deep.equal([[null, null, 'noRows']]);
  });
});

describe('csvImport.planImport', () => {
  it('reads rows into answers, scores and dimensions exactly as the web form would', () => {
    const plan = planImport(csv('A1;start;2024-03-01;sv;6;2;woman;fk|af;12;bra;', 'A1;exit;2024-09-01;en;7;1;;;;;5'), setting());
    expect(plan.errors).to.deep.equal([]);
    expect(plan.rows).to.have.length(2);
    const [start, exit] = plan.rows;
    expect(start).to.include({ row: 2, participantRef: 'A1', participantId: null, point: 'start', submittedOn: '2024-03-01', language: 'sv', roundId: null, instrumentId: 'participant', instrumentVersion: '1.0' });
    expect(start!.answers).to.deep.equal([
      { itemId: 'trust', num: 6, text: null, dontKnow: false },
      { itemId: 'failure', num: 2, text: null, dontKnow: false },
      { itemId: 'gender', num: null, text: 'woman', dontKnow: false },
      { itemId: 'support', num: null, text: JSON.stringify(['fk', 'af']), dontKnow: false },
      { itemId: 'months', num: 12, text: null, dontKnow: false },
      { itemId: 'comment', num: null, text: 'bra', dontKnow: false },
    ]);
    expect(start!.scores).to.deep.equal([{ indicatorId: 'trust_ind', score: (6 + 6) / 2 }]);
    expect(start!.dimensions).to.deep.equal({ gender: 'woman', ageBand: null });
    expect(exit!.scores).to.deep.equal(scoreResponse(instrument, 'exit', new Map(exit!.answers.map((a) => [a.itemId, a]))));
    expect(exit!.language).to.equal('en');
    expect(plan.summary).to.deep.equal({ rows: 2, newParticipants: 1, matchedParticipants: 0, byPoint: [{ point: 'start', responses: 1 }, { point: 'exit', responses: 1 }], inRound: 0, skipped: 0 });
  });

  it('accepts ; and , as delimiters, a UTF-8 BOM, CRLF or LF, trimmed and any-case headers, and skips empty lines', () => {
    const semicolon = planImport(`\uFEFF${csv('A1;start;2024-03-01;;5;;;;;;', '', ';;;;;;;;;;', 'A2;start;2024-03-02;;4;;;;;;')}\r\n`, setting());
    const comma = planImport(`${HEADER.toUpperCase().replaceAll(';', ' , ')}\nA1,start,2024-03-01,,5,,,,,,\n\nA2,start,2024-03-02,,4,,,,,,\n`, setting());
    expect(semicolon.errors).to.deep.equal([]);
    expect(comma.errors).to.deep.equal([]);
    // Blank lines are skipped but still counted, so row numbers stay those of the spreadsheet.
    expect(semicolon.rows.map((r) => [r.row, r.participantRef, r.answers[0]!.num])).to.deep.equal([[2, 'A1', 5], [5, 'A2', 4]]);
    expect(comma.rows.map((r) => [r.row, r.participantRef, r.answers[0]!.num])).to.deep.equal([[2, 'A1', 5], [4, 'A2', 4]]);
    expect(semicolon.summary.rows).to.equal(2);
  });

  it('reads quoted cells with the delimiter and line breaks inside, numbering rows as a spreadsheet does', () => {
    const plan = planImport(csv('A1;start;2024-03-01;;5;;;;;"a; b\nc";', 'A2;start;2024-03-01;;9;;;;;;'), setting());
    expect(plan.errors.map((e) => [e.row, e.column, e.code])).to.deep.equal([[3, 'trust', 'scale']]);
    const ok = planImport(csv('A1;start;2024-03-01;;5;;;;;"a; b\nc";'), setting());
    expect(ok.rows[0]!.answers.find((a) => a.itemId === 'comment')!.text).to.equal('a; b\nc');
  });

  it('stores "vet ej" and "dk" as missing where the item offers it, and refuses it where it does not', () => {
    const plan = planImport(csv('A1;start;2024-03-01;;Vet ej;;;;;;', 'A2;start;2024-03-01;;DK;;;;;;'), setting());
    expect(plan.errors).to.deep.equal([]);
    for (const row of plan.rows) expect(row.answers).to.deep.equal([{ itemId: 'trust', num: null, text: null, dontKnow: true }]);
    expect(plan.rows[0]!.scores).to.deep.equal([]);
    expect(codes(csv('A1;start;2024-03-01;;;vet ej;;;;;'))).to.deep.equal([[2, 'failure', 'dontKnowNotOffered']]);
  });

  it('reads multiple choices separated by |, any case, and refuses values that are no option', () => {
    const plan = planImport(csv('A1;start;2024-03-01;;;;Man;FK | region|fk;;;'), setting());
    expect(plan.errors).to.deep.equal([]);
    expect(plan.rows[0]!.answers).to.deep.equal([
      { itemId: 'gender', num: null, text: 'man', dontKnow: false },
      { itemId: 'support', num: null, text: JSON.stringify(['fk', 'region']), dontKnow: false },
    ]);
    const bad = planImport(csv('A1;start;2024-03-01;;;;alien;fk|kommun;;;'), setting());
    expect(bad.errors).to.deep.equal([
      { row: 2, column: 'gender', code: 'option', params: { value: 'alien', options: 'woman, man, other' } },
      { row: 2, column: 'support', code: 'options', params: { value: 'fk|kommun', options: 'fk, af, region' } },
    ]);
  });

  it('reads a decimal comma (Swedish Excel) or point in a number item, in a ;-file and quoted in a ,-file', () => {
    const semicolon = planImport(csv('A1;start;2024-03-01;;5,0;;;;3,5;;', 'A2;start;2024-03-01;;;;;;12.25;;'), setting());
    expect(semicolon.errors).to.deep.equal([]);
    expect(semicolon.rows.map((r) => r.answers.map((a) => a.num))).to.deep.equal([[5, 3.5], [12.25]]);
    const comma = planImport(`${HEADER.replaceAll(';', ',')}
A1,start,2024-03-01,,,,,,"3,5",,`, setting());
    expect(comma.rows[0]!.answers[0]!.num).to.equal(3.5);
  });

  it('checks every value against the instrument, with row and column', () => {
    const errors = planImport(csv(
      'A1;start;2024-03-01;;8;0;;;121;elva tecken!;',
      'A2;start;2024-03-01;;3,5;;;;tolv;;',
      'A3;start;2024-03-01;;;;;;;;6',
    ), setting()).errors;
    expect(errors).to.deep.equal([
      { row: 2, column: 'trust', code: 'scale', params: { value: '8', min: 1, max: 7 } },
      { row: 2, column: 'failure', code: 'scaleNoDontKnow', params: { value: '0', min: 1, max: 7 } },
      { row: 2, column: 'months', code: 'numberRange', params: { value: '121', range: '0–120' } },
      { row: 2, column: 'comment', code: 'textTooLong', params: { max: 10 } },
      { row: 3, column: 'trust', code: 'scale', params: { value: '3,5', min: 1, max: 7 } },
      { row: 3, column: 'months', code: 'number', params: { value: 'tolv' } },
      { row: 4, column: 'satisfied', code: 'notAskedAtPoint', params: { point: 'start' } },
    ]);
  });

  it('checks the point, date, language and reference of each row', () => {
    expect(codes(csv(
      ';start;2024-03-01;;5;;;;;;',
      'A2;slut;2024-03-01;;5;;;;;;',
      'A3;START;2024-02-30;;5;;;;;;',
      'A4;start;01/03/2024;;5;;;;;;',
      'A5;start;2026-07-01;;5;;;;;;',
      'A6;start;;fi;5;;;;;;',
      `${'x'.repeat(41)};start;2024-03-01;;5;;;;;;`,
      'A8;start;2024-03-01;;;;;;;;',
    ))).to.deep.equal([
      [2, 'participant_ref', 'refMissing'],
      [3, 'point', 'pointUnknown'],
      [4, 'submitted_on', 'dateInvalid'],
      [5, 'submitted_on', 'dateInvalid'],
      [6, 'submitted_on', 'dateInFuture'],
      [7, 'submitted_on', 'dateMissing'],
      [7, 'language', 'languageUnknown'],
      [8, 'participant_ref', 'refTooLong'],
      [9, null, 'noAnswers'],
    ]);
    expect(planImport(csv('A2;slut;2024-03-01;;5;;;;;;'), setting()).errors[0]!.params).to.deep.equal({ value: 'slut', points: 'start, exit' });
  });

  it('refuses the whole file when a participant_ref looks like a personnummer, naming the rows and not the numbers', () => {
    const plan = planImport(csv('A1;start;2024-03-01;;5;;;;;;', '850312-1234;start;2024-03-01;;5;;;;;;', 'Nr 198503121234;exit;2024-03-01;;5;;;;;;'), setting());
    expect(plan.rows).to.deep.equal([]);
    expect(plan.errors).to.deep.equal([{ row: null, column: null, code: 'personnummer', params: { rows: '3, 4' } }]);
    expect(JSON.stringify(plan)).not.to.contain('1234');
    // Before any other check: an unknown column does not let the file through to be shown again.
    expect(codes('participant_ref;point;personnr\n19850312-1234;start;x')).to.deep.equal([[null, null, 'personnummer']]);
  });

  it('names unknown, duplicate and missing columns', () => {
    expect(planImport('participant_ref;point;submitted_on;trust;Personnr;namn\nA1;start;2024-03-01;5;;', setting()).errors)
      .to.deep.equal([{ row: 1, column: null, code: 'unknownColumns', params: { columns: 'personnr, namn' } }]);
    expect(planImport('participant_ref;point;submitted_on;trust;trust\nA1;start;2024-03-01;5;5', setting()).errors)
      .to.deep.equal([{ row: 1, column: null, code: 'duplicateColumns', params: { columns: 'trust' } }]);
    expect(planImport('participant_ref;trust\nA1;5', setting()).errors)
      .to.deep.equal([{ row: 1, column: null, code: 'missingColumns', params: { columns: 'point, submitted_on' } }]);
  });

  it('refuses values outside the named columns, but not empty trailing cells', () => {
    expect(codes(`${HEADER};\nA1;start;2024-03-01;;5;;;;;;;\nA2;start;2024-03-01;;5;;;;;;;extra`)).to.deep.equal([[3, null, 'extraCells']]);
  });

  it('refuses an empty, unreadable, too large or too long file', () => {
    expect(codes('  \r\n')).to.deep.equal([[null, null, 'empty']]);
    expect(codes(csv('A1;start;2024-03-01;;5;;;;;"open;'))).to.deep.equal([[null, null, 'unreadable']]);
    expect(codes(`${HEADER}\n${'x'.repeat(CSV_MAX_BYTES)}`)).to.deep.equal([[null, null, 'tooLarge']]);
    // A chosen file streams through ImportCheck, where only the row count limits it.
    let rowsSeen = 0;
    const big = new ImportCheck(setting(), () => rowsSeen++);
    big.push(`${HEADER}\n`);
    for (let i = 0; i <= IMPORT_MAX_ROWS; i += 1000) big.push(Array.from({ length: 1000 }, (_, k) => `R${i + k};start;2024-03-01;;5;;;;;;\n`).join(''));
    expect(big.end().errors.map((e) => e.code)).to.deep.equal(['tooManyRows']);
    expect(rowsSeen).to.equal(IMPORT_MAX_ROWS);
  });

  it('reads a file given in chunks of any size exactly as the whole text', () => {
    const text = `\uFEFF${csv('A1;start;2024-03-01;sv;6;2;woman;fk|af;3,5;"a; ""b""\r\nc";', 'A2;start;2024-03-01;;9;;;;;;', 'A3;start;2024-03-01;;5;;;;;;')}\r\n`;
    const whole = planImport(text, setting());
    for (const size of [1, 2, 3, 7, 64]) {
      const rows: unknown[] = [];
      const check = new ImportCheck(setting(), (row) => rows.push(row));
      for (let i = 0; i < text.length; i += size) check.push(text.slice(i, i + size));
      const outcome = check.end();
      expect(outcome, `chunks of ${size}`).to.deep.equal({ errors: whole.errors, errorCount: whole.errorCount, summary: whole.summary });
      expect(rows.length, `chunks of ${size}`).to.equal(2);
    }
    expect(whole.errors.map((e) => [e.row, e.column, e.code])).to.deep.equal([[3, 'trust', 'scale']]);
  });

  it('names a last line cut short (no line break, fewer cells than the header) and a quote left open', () => {
    const cut = `${HEADER}\r\nA1;start;2024-03-01;;5;;;;;;\r\nA2;start;2024-03-01;;5;2`;
    expect(planImport(cut, setting()).errors).to.deep.equal([{ row: 3, column: null, code: 'truncated', params: { cells: 6, columns: 11 } }]);
    expect(codes(`${cut};;;;;`), 'all its cells').to.deep.equal([]);
    expect(codes(`${cut}\r\n`), 'a short line ending as a line does is read as it stands').to.deep.equal([]);
    expect(planImport(`${HEADER}\r\nA1;start;2024-03-01;;5;;;;;;\r\nA2;start;2024-03-01;;5;;;;;"bra`, setting()).errors)
      .to.deep.equal([{ row: null, column: null, code: 'unreadable', params: { row: 3 } }]);
  });

  it('keeps the first errors of a file with very many and counts them all', () => {
    const bad = planImport(csv(...Array.from({ length: ERRORS_KEPT + 5 }, (_, i) => `R${i};start;2024-03-01;;9;;;;;;`)), setting());
    expect(bad.errors).to.have.length(ERRORS_KEPT);
    expect(bad.errorCount).to.equal(ERRORS_KEPT + 5);
    expect(bad.errors[0]!.row).to.equal(2);
  });

  it('matches references to the intervention\'s participants, refuses duplicates in the file and in the database', () => {
    const s = setting({
      participants: [{ id: 7, localRef: 'A1' }, { id: 8, localRef: 'B1' }, { id: 9, localRef: 'Twice' }, { id: 10, localRef: 'Twice' }],
      submitted: [{ participantId: 8, point: 'start', submittedOn: '2024-02-01', fingerprint: answersFingerprint([{ itemId: 'trust', num: 5, text: null, dontKnow: false }]) }],
    });
    const plan = planImport(csv(
      'A1;start;2024-03-01;;5;;;;;;',
      'A1;exit;2024-09-01;;5;;;;;;',
      'N1;start;2024-03-01;;5;;;;;;',
      'B1;exit;2024-09-01;;5;;;;;;',
    ), s);
    expect(plan.errors).to.deep.equal([]);
    expect(plan.rows.map((r) => r.participantId)).to.deep.equal([7, 7, null, 8]);
    expect(plan.summary).to.include({ newParticipants: 1, matchedParticipants: 2 });
    expect(codes(csv('B1;start;2024-03-01;;5;;;;;;', 'N1;exit;2024-03-01;;5;;;;;;', 'N1;exit;2024-04-01;;6;;;;;;', 'Twice;start;2024-03-01;;5;;;;;;'), s)).to.deep.equal([
      [2, null, 'alreadySubmitted'],
      [4, null, 'duplicateInFile'],
      [5, 'participant_ref', 'refAmbiguous'],
    ]);
  });

  it('skips a row identical to a stored questionnaire (a file imported again), and reports one that differs', () => {
    const stored = planImport(csv('B1;start;2024-02-01;;5;;;;;;'), setting({ participants: [{ id: 8, localRef: 'B1' }] })).rows[0]!;
    const s = setting({ participants: [{ id: 8, localRef: 'B1' }], submitted: [{ participantId: 8, point: 'start', submittedOn: stored.submittedOn, fingerprint: answersFingerprint(stored.answers) }] });
    const again = planImport(csv('B1;start;2024-02-01;;5;;;;;;', 'N1;start;2024-02-01;;4;;;;;;'), s);
    expect(again.errors).to.deep.equal([]);
    expect(again.rows.map((r) => r.participantRef)).to.deep.equal(['N1']);
    expect(again.summary).to.include({ rows: 2, skipped: 1 });
    expect(codes(csv('B1;start;2024-02-01;;6;;;;;;'), s), 'another answer').to.deep.equal([[2, null, 'alreadySubmitted']]);
    expect(codes(csv('B1;start;2024-02-02;;5;;;;;;'), s), 'another date').to.deep.equal([[2, null, 'alreadySubmitted']]);
  });

  it('puts a response in the measurement round whose dates hold it, when exactly one does', () => {
    const rounds = [{ id: 1, startsOn: '2024-01-01', endsOn: '2024-06-30' }, { id: 2, startsOn: '2024-07-01', endsOn: '2024-12-31' }, { id: 3, startsOn: '2024-12-01', endsOn: '2025-01-31' }];
    const plan = planImport(csv('A1;start;2024-03-01;;5;;;;;;', 'A1;exit;2024-12-15;;5;;;;;;', 'A2;start;2023-05-01;;5;;;;;;', 'A3;start;2024-07-01;;5;;;;;;'), setting({ rounds }));
    expect(plan.rows.map((r) => r.roundId)).to.deep.equal([1, null, null, 2]);
    expect(plan.summary.inRound).to.equal(2);
  });
});

describe('csvImport.planImport, long layout (one row per answer)', () => {
  const LONG = 'participant_ref;point;submitted_on;item;value';
  const long = (...rows: string[]) => [LONG, ...rows].join('\r\n');

  it('gathers the answers of one participant, point and date into one questionnaire, read like the wide row', () => {
    const fromLong = planImport(long('A1;start;2024-03-01;trust;6', 'A1;start;2024-03-01;failure;2', 'A1;start;2024-03-01;gender;woman', 'A1;start;2024-03-01;support;fk|af',
      'A1;exit;2024-09-01;trust;7', 'A1;exit;2024-09-01;satisfied;5'), setting());
    const fromWide = planImport(csv('A1;start;2024-03-01;;6;2;woman;fk|af;;;', 'A1;exit;2024-09-01;;7;;;;;;5'), setting());
    expect(fromLong.errors).to.deep.equal([]);
    const strip = (rows: typeof fromLong.rows) => rows.map(({ row: _row, ...rest }) => rest);
    expect(strip(fromLong.rows)).to.deep.equal(strip(fromWide.rows));
    expect(fromLong.rows.map((r) => r.row)).to.deep.equal([2, 6]);
    expect(fromLong.summary.rows).to.equal(2);
  });

  it('names the row of the file for a bad value, an unknown item and an item given twice', () => {
    expect(codes(long('A1;start;2024-03-01;trust;6', 'A1;start;2024-03-01;failure;9'))).to.deep.equal([[3, 'failure', 'scaleNoDontKnow']]);
    expect(codes(long('A1;start;2024-03-01;trust;6', 'A1;start;2024-03-01;mood;3'))).to.deep.equal([[3, 'item', 'itemUnknown']]);
    const twice = planImport(long('A1;start;2024-03-01;trust;6', 'A2;start;2024-03-01;trust;5', 'A1;start;2024-03-01;trust;4'), setting());
    expect(twice.errors.map((e) => [e.row, e.column, e.code, e.params.otherRow])).to.deep.equal([[4, 'item', 'itemTwice', 2]]);
    expect(twice.rows).to.deep.equal([]);
    expect(codes(long('A1;start;2024-03-01;satisfied;5'))).to.deep.equal([[2, 'satisfied', 'notAskedAtPoint']]);
    expect(codes(long())).to.deep.equal([[null, null, 'noRows']]);
  });

  it('reads a tab-separated file (pasted from a spreadsheet) like the others', () => {
    const tabbed = planImport(long('A1;start;2024-03-01;trust;6', 'A1;start;2024-03-01;failure;2').replaceAll(';', '\t'), setting());
    expect(tabbed.errors).to.deep.equal([]);
    expect(tabbed.rows[0]!.answers.map((a) => a.num)).to.deep.equal([6, 2]);
  });

  it('still refuses personnummer in the reference column first', () => {
    expect(codes(long('19850101-1234;start;2024-03-01;trust;6'))).to.deep.equal([[null, null, 'personnummer']]);
  });
});
