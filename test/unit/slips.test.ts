import { expect } from 'chai';
import { estimatedMinutes, printedUrl, surveyEntryUrl, toSheets } from '../../server/domain/slips.js';

describe('code slips', () => {
  it('prints the address without https:// (browsers add it) but keeps http://', () => {
    expect(printedUrl(surveyEntryUrl('https://enkat.exempeldalen.se'))).to.equal('enkat.exempeldalen.se/s');
    expect(printedUrl(surveyEntryUrl('http://localhost:3000'))).to.equal('http://localhost:3000/s');
  });

  it('says about how long it takes, in whole 5 minutes, at least 5', () => {
    expect(estimatedMinutes(3)).to.equal(5);
    expect(estimatedMinutes(40)).to.equal(10);
    expect(estimatedMinutes(51)).to.equal(15);
  });

  it('puts six slips on a sheet', () => {
    expect(toSheets([1, 2, 3, 4, 5, 6, 7]).map((s) => s.length)).to.deep.equal([6, 1]);
  });
});
