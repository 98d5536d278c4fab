import { expect } from 'chai';
import { addDays, halfOpen, isCalendarDate, swedishDate } from '../../server/domain/calendarDate.js';
import { EXIT_STATUSES, isExitStatus } from '../../server/domain/exitStatus.js';
import { normalizeAccessCode, normalizeCodeList } from '../../server/domain/accessCode.js';
import { endNotBeforeStart, oneOf, parseForm, type FormError } from '../../server/forms/form.js';
import {
  anonymousIssueForm, bulkParticipantsForm, exitForm, interventionForm, issueForm, memberForm, newParticipantForm, paperCodeForm, passwordForm, projectForm, roundForm, userForm,
} from '../../server/forms/schemas.js';

describe('forms: one pipeline for every form and query string', () => {
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
      expect(errorsOf(parseForm(newParticipantForm, { localRef: ref })), ref).to.deep.equal([{ field: 'localRef', code: 'staff.localRefPersonnummer' }]);
    }
    expect(parseForm(newParticipantForm, { localRef: '  Nr 12 ', startedOn: '2026-03-02', _csrf: 'x', extra: 'y' })).to.deep.include({ ok: true, value: { localRef: 'Nr 12', startedOn: '2026-03-02' } });
    expect(parseForm(newParticipantForm, { localRef: '', startedOn: '' })).to.deep.include({ ok: true, value: {} });
    expect(errorsOf(parseForm(newParticipantForm, { localRef: 'x'.repeat(41) }))).to.deep.equal([{ field: 'localRef', code: 'staff.localRefTooLong' }]);
  });

  it('takes 1 to 200 participants at once', () => {
    expect(parseForm(bulkParticipantsForm, { count: '200' })).to.deep.include({ ok: true, value: { count: 200 } });
    for (const bad of ['0', '201', '-1', '2.5', '', 'tio']) expect(errorsOf(parseForm(bulkParticipantsForm, { count: bad })), bad).to.deep.equal([{ field: 'count', code: 'staff.countInvalid' }]);
  });

  it('accepts only real calendar dates in every date field, the same rule as everywhere (calendarDate.ts)', () => {
    expect(errorsOf(parseForm(roundForm, { name: 'Vår', startsOn: '2026-02-30', endsOn: '2026-13-45' }))).to.deep.equal([
      { field: 'startsOn', code: 'form.dateInvalid' }, { field: 'endsOn', code: 'form.dateInvalid' },
    ]);
    expect(errorsOf(parseForm(projectForm, { name: 'P', startsOn: '2026-1-5' }))).to.deep.equal([{ field: 'startsOn', code: 'form.dateInvalid' }]);
    expect(parseForm(roundForm, { name: 'Vår', startsOn: '2028-02-29', endsOn: '2028-06-30' }).ok).to.equal(true);
  });

  it('refuses an end before the start in every form with both, and lets a missing one pass', () => {
    for (const schema of [roundForm, projectForm, interventionForm]) {
      const form = parseForm(schema, { name: 'X', kind: 'individual', startsOn: '2026-06-01', endsOn: '2026-05-31' }, [endNotBeforeStart]);
      expect(errorsOf(form)).to.deep.equal([{ field: 'endsOn', code: 'form.endBeforeStart' }]);
    }
    expect(parseForm(projectForm, { name: 'X', endsOn: '2026-05-31' }, [endNotBeforeStart]).ok).to.equal(true);
    expect(parseForm(roundForm, { name: 'X', startsOn: '2026-06-01', endsOn: '2026-06-01' }, [endNotBeforeStart]).ok).to.equal(true);
  });

  it('needs an exit date and a status from the fixed list', () => {
    expect(EXIT_STATUSES).to.include.members(['work', 'studies', 'other_intervention', 'job_seeking', 'sick_leave', 'ended_early', 'moved', 'other']);
    expect(isExitStatus('lottery')).to.equal(false);
    expect(parseForm(exitForm, { exitedOn: '2026-06-01', exitStatus: 'work' }).ok).to.equal(true);
    expect(errorsOf(parseForm(exitForm, {})).map((e) => e.code)).to.deep.equal(['staff.dateMissing', 'staff.exitStatusMissing']);
    expect(errorsOf(parseForm(exitForm, { exitedOn: '2026-02-30', exitStatus: 'lottery' })).map((e) => e.code)).to.deep.equal(['form.dateInvalid', 'staff.exitStatusMissing']);
  });

  it('takes 1 to 500 anonymous codes at once, with an optional round of the federation', () => {
    const rounds = [oneOf('round', [3], 'staff.roundUnknown')];
    expect(parseForm(anonymousIssueForm, { count: '500', round: '' }, rounds)).to.deep.include({ ok: true, value: { count: 500 } });
    expect(parseForm(anonymousIssueForm, { count: '12', round: '3' }, rounds)).to.deep.include({ ok: true, value: { count: 12, round: 3 } });
    for (const bad of ['0', '501', '2.5', '', 'tolv']) expect(errorsOf(parseForm(anonymousIssueForm, { count: bad })), bad).to.deep.equal([{ field: 'count', code: 'staff.anonymousCountInvalid' }]);
    expect(errorsOf(parseForm(anonymousIssueForm, { count: '5', round: '4' }, rounds)).map((e) => e.field)).to.deep.equal(['round']);
  });

  it('checks the point and round against what the intervention and federation have', () => {
    const rules = [oneOf('point', ['start'], 'staff.pointUnknown'), oneOf('round', [3], 'staff.roundUnknown')];
    expect(parseForm(issueForm, { point: 'start', round: '3' }, rules)).to.deep.include({ ok: true, value: { point: 'start', round: 3 } });
    expect(errorsOf(parseForm(issueForm, { point: 'exit', round: '4' }, rules))).to.deep.equal([{ field: 'point', code: 'staff.pointUnknown' }, { field: 'round', code: 'staff.roundUnknown' }]);
    expect(errorsOf(parseForm(issueForm, { point: 'lunch' }, rules))).to.deep.equal([{ field: 'point', code: 'staff.pointUnknown' }]);
  });

  it('reads codes as participants type them and drops malformed ones from a list', () => {
    const typed = parseForm(paperCodeForm, { code: ' abcd-2345 ' });
    expect(typed.ok && normalizeAccessCode(typed.value.code)).to.equal('ABCD2345');
    expect(errorsOf(parseForm(paperCodeForm, { code: 'ABC' }))).to.deep.equal([{ field: 'code', code: 'staff.codeMalformed' }]);
    expect(normalizeCodeList('ABCD2345,nope,abcd-2345,EFGH6789')).to.deep.equal(['ABCD2345', 'EFGH6789']);
  });

  it('keeps a password as typed, spaces and all, and reads e-mail addresses by their format', () => {
    expect(parseForm(passwordForm, { current: ' gammalt lösen ', password: 'x' })).to.deep.include({ ok: true, value: { current: ' gammalt lösen ', password: 'x' } });
    expect(errorsOf(parseForm(memberForm, { email: 'inte-en-adress' }))).to.deep.equal([{ field: 'email', code: 'form.invalid' }]);
    expect(parseForm(memberForm, { email: ' anna@exempel.se ' })).to.deep.include({ ok: true, value: { email: 'anna@exempel.se' } });
  });

  it('gives every failing field one error and keeps what was typed', () => {
    const form = parseForm(userForm, { email: ' x ', role: 'king', name: 'Anna' });
    expect(form.ok).to.equal(false);
    expect(errorsOf(form).map((e) => e.field)).to.deep.equal(['email', 'role']);
    // What was typed comes back trimmed; a field the form does not have is not carried along.
    expect(form.input).to.deep.equal({ email: 'x', role: 'king' });
  });
});

function errorsOf(form: { ok: boolean; errors?: FormError[] }): FormError[] {
  return form.ok ? [] : form.errors ?? [];
}
