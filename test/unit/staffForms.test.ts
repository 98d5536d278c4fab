import { expect } from 'chai';
import { addDays, halfOpen, isCalendarDate, swedishDate } from '../../server/domain/calendarDate.js';
import { EXIT_STATUSES, isExitStatus } from '../../server/domain/exitStatus.js';
import { parseAnonymousIssue, parseBulkParticipants, parseCodeList, parseExit, parseIssue, parseNewParticipant, parsePaperCode } from '../../server/domain/staffForms.js';

describe('staff forms', () => {
  it('accepts only real calendar dates as YYYY-MM-DD', () => {
    expect(isCalendarDate('2028-02-29')).to.equal(true);
    for (const bad of ['2026-02-29', '2026-13-01', '2026-1-01', '01/02/2026', '']) expect(isCalendarDate(bad), bad).to.equal(false);
  });

  it('dates an instant by the Swedish calendar, and writes a round\'s dates as a half-open range', () => {
    // 23:30 UTC on 30 June is already 1 July in Swedish summer time (UTC+2); in winter (UTC+1) 22:30 UTC is still the 30th, 23:30 UTC the 31st.
    expect(swedishDate(new Date('2026-06-30T23:30:00Z'))).to.equal('2026-07-01');
    expect(swedishDate(new Date('2026-12-30T22:30:00Z'))).to.equal('2026-12-30');
    expect(swedishDate(new Date('2026-12-30T23:30:00Z'))).to.equal('2026-12-31');
    expect(addDays('2028-02-28', 1)).to.equal('2028-02-29');
    expect(halfOpen('2026-01-01', '2026-06-30')).to.deep.equal({ from: '2026-01-01', to: '2026-07-01' });
  });

  it('refuses a local reference shaped like a personnummer or samordningsnummer, and keeps ordinary ones', () => {
    for (const ref of ['850312-1234', '19850312-1234', 'Anna 198503121234', '850372-1234']) {
      expect(parseNewParticipant({ localRef: ref }).errors, ref).to.deep.equal([{ field: 'localRef', code: 'staff.localRefPersonnummer' }]);
    }
    expect(parseNewParticipant({ localRef: '  Nr 12 ', startedOn: '2026-03-02' })).to.deep.equal({ value: { localRef: 'Nr 12', startedOn: '2026-03-02' }, errors: [] });
    expect(parseNewParticipant({}).value).to.deep.equal({ localRef: null, startedOn: null });
    expect(parseNewParticipant({ localRef: 'x'.repeat(41) }).errors[0]!.code).to.equal('staff.localRefTooLong');
  });

  it('takes 1 to 200 participants at once', () => {
    expect(parseBulkParticipants({ count: '200' }).errors).to.deep.equal([]);
    for (const bad of ['0', '201', '-1', '2.5', '', 'tio']) expect(parseBulkParticipants({ count: bad }).errors, bad).to.have.length(1);
  });

  it('needs an exit date and a status from the fixed list', () => {
    expect(EXIT_STATUSES).to.include.members(['work', 'studies', 'other_intervention', 'job_seeking', 'sick_leave', 'ended_early', 'moved', 'other']);
    expect(isExitStatus('lottery')).to.equal(false);
    expect(parseExit({ exitedOn: '2026-06-01', exitStatus: 'work' }).errors).to.deep.equal([]);
    expect(parseExit({}).errors.map((e) => e.code)).to.deep.equal(['staff.dateMissing', 'staff.exitStatusMissing']);
  });

  it('takes 1 to 500 anonymous codes at once, with an optional round of the federation', () => {
    expect(parseAnonymousIssue({ count: '500', round: '' }, [3])).to.deep.equal({ value: { count: 500, roundId: null }, errors: [] });
    expect(parseAnonymousIssue({ count: '12', round: '3' }, [3]).value).to.deep.equal({ count: 12, roundId: 3 });
    for (const bad of ['0', '501', '2.5', '', 'tolv']) expect(parseAnonymousIssue({ count: bad }, []).errors, bad).to.deep.equal([{ field: 'count', code: 'staff.anonymousCountInvalid' }]);
    expect(parseAnonymousIssue({ count: '5', round: '4' }, [3]).errors.map((e) => e.field)).to.deep.equal(['round']);
  });

  it('checks the point and round against what the intervention and federation have', () => {
    expect(parseIssue({ point: 'start', round: '3' }, ['start'], [3])).to.deep.equal({ value: { point: 'start', roundId: 3 }, errors: [] });
    expect(parseIssue({ point: 'exit', round: '4' }, ['start'], [3]).errors.map((e) => e.field)).to.deep.equal(['point', 'round']);
  });

  it('reads codes as participants type them and drops malformed ones from a list', () => {
    expect(parsePaperCode({ code: ' abcd-2345 ' }).value.code).to.equal('ABCD2345');
    expect(parsePaperCode({ code: 'ABC' }).errors[0]!.code).to.equal('staff.codeMalformed');
    expect(parseCodeList('ABCD2345,nope,abcd-2345,EFGH6789')).to.deep.equal(['ABCD2345', 'EFGH6789']);
    expect(parseCodeList(undefined)).to.equal(null);
  });
});
