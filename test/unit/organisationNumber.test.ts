import { expect } from 'chai';
import { luhnCheckDigit, normalizeOrganisationNumber } from '../../server/domain/organisationNumber.js';

describe('organisation numbers', () => {
  it('accepts a samordningsförbund\'s number in any spelling, with its check digit', () => {
    expect(normalizeOrganisationNumber('222000-1230')).to.equal('222000-1230');
    expect(normalizeOrganisationNumber(' 2220001230 ')).to.equal('222000-1230');
    expect(luhnCheckDigit('222000123')).to.equal(0);
  });

  it('refuses a wrong check digit, a date of birth (third digit under 2) and other lengths', () => {
    expect(normalizeOrganisationNumber('222000-1231')).to.equal(null);
    expect(normalizeOrganisationNumber('850101-1234')).to.equal(null);
    expect(normalizeOrganisationNumber('22200-1230')).to.equal(null);
  });
});
