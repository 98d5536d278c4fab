import { expect } from 'chai';
import { generatePseudonym, looksLikePersonnummer } from '../../server/domain/pseudonym.js';

describe('pseudonym.looksLikePersonnummer', () => {
  const personnummer = [
    '850101-1234', // YYMMDD-XXXX
    '19850101-1234', // YYYYMMDD-XXXX
    '198501011234', // YYYYMMDDXXXX
    '8501011234', // YYMMDDXXXX
    '850101+1234', // over 100 years old
    '850161-1234', // samordningsnummer: day + 60
    '20050131-9876',
    '051231-0000',
    '850191-1234', // samordningsnummer for day 31
    '850101 1234',
  ];
  for (const text of personnummer) {
    it(`finds ${text}`, () => expect(looksLikePersonnummer(text)).to.equal(true));
  }

  it('finds one inside a longer text', () => {
    expect(looksLikePersonnummer('Deltagare 850101-1234, ref 12')).to.equal(true);
    expect(looksLikePersonnummer('pnr:198501011234')).to.equal(true);
  });

  const harmless = [
    'Rum 12',
    '2026-01-15',
    '070-1234567',
    '08-123 456 78',
    'Ärende 2024/1234',
    'A-12',
    '',
    '850101-123', // too few final digits
    '850101-12345', // too many
    '851301-1234', // month 13
    '850001-1234', // month 00
    '850100-1234', // day 00
    '850132-1234', // day 32
    '850160-1234', // samordningsnummer day 0
    '850192-1234', // samordningsnummer day 32
    '1850101-1234', // a digit glued in front
  ];
  for (const text of harmless) {
    it(`does not flag ${JSON.stringify(text)}`, () => expect(looksLikePersonnummer(text)).to.equal(false));
  }
});

describe('pseudonym.generatePseudonym', () => {
  it('makes random P- ids that never look like a personnummer', () => {
    // Ten random hex digits are all decimal and a valid date about once in 1,500 ids, so 20,000 ids
    // would hold a dozen lookalikes if the generator did not skip them.
    const ids = new Set(Array.from({ length: 20_000 }, generatePseudonym));
    expect(ids.size).to.equal(20_000);
    for (const id of ids) {
      expect(id).to.match(/^P-[0-9a-f]{10}$/);
      expect(looksLikePersonnummer(id)).to.equal(false);
    }
  });
});
