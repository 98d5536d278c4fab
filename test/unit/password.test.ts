import { expect } from 'chai';
import { hashPassword, passwordProblem, verifyPassword } from '../../server/security/password.js';

describe('security.password', () => {
  it('refuses passwords that are long but guessed at once', () => {
    for (const simple of [' '.repeat(12), '123456789012', '000000000000', '197001011234', 'abcdefghijkl', 'lkjihgfedcba', 'aaaabbbbcccc', 'ab'.repeat(6)]) {
      expect(passwordProblem(simple), JSON.stringify(simple)).to.equal('tooSimple');
    }
  });

  it('accepts ordinary long passwords, and still refuses short, common and e-mail ones', () => {
    for (const fine of ['Indikator-demo-2026', 'correct horse battery', 'kaffe och 3 bullar', '  mellanslag först']) expect(passwordProblem(fine), fine).to.equal(null);
    expect(passwordProblem('kort')).to.equal('tooShort');
    expect(passwordProblem('anna.svensson-2026', 'anna.svensson@exempel.se')).to.equal('containsEmail');
  });

  it('keeps spaces as typed: the hash of " x" is not the hash of "x"', async () => {
    const hash = await hashPassword('  mellanslag först');
    expect(await verifyPassword('  mellanslag först', hash)).to.equal(true);
    expect(await verifyPassword('mellanslag först', hash)).to.equal(false);
  });
});
