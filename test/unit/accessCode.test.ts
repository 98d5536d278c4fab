import { expect } from 'chai';
import { CODE_ALPHABET, CODE_LENGTH, formatAccessCode, generateAccessCode, LEGACY_CODE_LENGTH, normalizeAccessCode } from '../../server/domain/accessCode.js';

describe('accessCode', () => {
  it('uses an alphabet without the look-alikes 0 O 1 I L', () => {
    for (const ch of '0O1IL') expect(CODE_ALPHABET, ch).to.not.include(ch);
    expect(new Set(CODE_ALPHABET).size).to.equal(CODE_ALPHABET.length);
    expect(CODE_ALPHABET).to.match(/^[A-Z2-9]+$/);
    expect([CODE_LENGTH, LEGACY_CODE_LENGTH]).to.deep.equal([10, 8]);
    // Enough that guessing under the rate limits takes years (the figures are in accessCode.ts).
    expect(CODE_ALPHABET.length ** CODE_LENGTH).to.be.greaterThan(8e14);
  });

  it('accepts what a participant types: lower case, dashes and spaces', () => {
    expect(normalizeAccessCode('ABCD2345')).to.equal('ABCD2345');
    expect(normalizeAccessCode('abcd2345')).to.equal('ABCD2345');
    expect(normalizeAccessCode('abcd-2345')).to.equal('ABCD2345');
    expect(normalizeAccessCode(' AbCd 2345 ')).to.equal('ABCD2345');
    expect(normalizeAccessCode('ab-cd 23-45')).to.equal('ABCD2345');
    expect(normalizeAccessCode('abcd\t2345\n')).to.equal('ABCD2345');
  });

  it('accepts new 10-character codes and older 8-character ones, and rejects every other length', () => {
    expect(normalizeAccessCode('abcde-23456')).to.equal('ABCDE23456');
    for (const bad of ['', 'ABCD234', 'ABCD23456', 'ABCD-234', '----', 'ABCD-2345-X', 'ABCDE234567']) expect(normalizeAccessCode(bad), bad).to.equal(null);
  });

  it('rejects characters outside the alphabet', () => {
    for (const bad of ['ABCD2340', 'ABCD234O', 'ABCD2341', 'ABCD234I', 'ABCD234L', 'abcd234l', 'ABCD234Ä', 'ABCD_2345', 'ABCD.2345', 'ABCD234!']) {
      expect(normalizeAccessCode(bad), bad).to.equal(null);
    }
  });

  it('formats a code in two halves, ABCDE-FGHJK (older ABCD-EFGH), which normalizes back to the code', () => {
    expect(formatAccessCode('ABCDE23456')).to.equal('ABCDE-23456');
    expect(formatAccessCode('ABCD2345')).to.equal('ABCD-2345');
    expect(normalizeAccessCode(formatAccessCode('ABCDE23456'))).to.equal('ABCDE23456');
  });

  it('generates 10,000 well-formed, distinct codes', () => {
    const codes = new Set<string>();
    const wellFormed = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);
    for (let i = 0; i < 10_000; i++) {
      const code = generateAccessCode();
      expect(code).to.match(wellFormed);
      expect(normalizeAccessCode(code)).to.equal(code);
      codes.add(code);
    }
    expect(codes.size).to.equal(10_000);
  });

  it('uses every character of the alphabet in every position', () => {
    // 10,000 codes, 31 characters: each character is expected ~322 times per position; missing one
    // would mean the generator cannot reach part of the code space.
    const seen = Array.from({ length: CODE_LENGTH }, () => new Set<string>());
    for (let i = 0; i < 10_000; i++) [...generateAccessCode()].forEach((ch, pos) => seen[pos]!.add(ch));
    for (const chars of seen) expect(chars.size).to.equal(CODE_ALPHABET.length);
  });
});
