import { expect } from 'chai';
import { addMonths } from '../../server/domain/calendarDate.js';
import { dueFor, worklist, worklistCounts, type WorklistInput } from '../../server/domain/worklist.js';

const person = (id: number, more: Partial<WorklistInput['participants'][number]> = {}) => ({ id, pseudonym: `P-${id}`, localRef: `ref${id}`, startedOn: '2026-01-10', registeredOn: '2026-01-05', exitedOn: null, ...more });
const base: WorklistInput = {
  points: ['start', 'ongoing', 'exit', 'followup'],
  schedule: { ongoingEveryMonths: 6, followupAfterMonths: 6, plannedLengthMonths: 12, remindAfterDays: 14 },
  participants: [], codes: [], answers: [], today: '2026-12-01',
};
const kinds = (input: WorklistInput) => worklist(input).map((w) => `${w.kind}:${w.participantId}`);

describe('worklist: who is due today', () => {
  it('is due for start until a start questionnaire is answered, and not while a code is out', () => {
    expect(kinds({ ...base, participants: [person(1)] })).to.include('start:1');
    expect(kinds({ ...base, participants: [person(1)], answers: [{ participantId: 1, point: 'start', lastSubmittedOn: '2026-01-12' }] })).to.not.include('start:1');
    const out = { code: 'A', participantId: 1, point: 'start' as const, status: 'active' as const, createdOn: '2026-11-25', responseStatus: null };
    expect(kinds({ ...base, participants: [person(1)], codes: [out] })).to.not.include('start:1');
  });

  it('asks the ongoing questionnaire every N months after the last answer, only while in the intervention', () => {
    const answered = [{ participantId: 1, point: 'start' as const, lastSubmittedOn: '2026-06-15' }];
    expect(kinds({ ...base, participants: [person(1)], answers: answered, today: '2026-12-14' })).to.not.include('ongoing:1');
    expect(kinds({ ...base, participants: [person(1)], answers: answered, today: '2026-12-15' })).to.include('ongoing:1');
    expect(kinds({ ...base, participants: [person(1, { exitedOn: '2026-11-01' })], answers: answered, today: '2026-12-15' })).to.not.include('ongoing:1');
    expect(kinds({ ...base, schedule: { ...base.schedule, ongoingEveryMonths: null }, participants: [person(1)], answers: answered, today: '2026-12-15' })).to.not.include('ongoing:1');
  });

  it('is due for exit once an exit date is set, and for follow-up N months after it', () => {
    const exited = person(1, { exitedOn: '2026-05-20' });
    const answers = [{ participantId: 1, point: 'start' as const, lastSubmittedOn: '2026-01-12' }];
    expect(kinds({ ...base, participants: [exited], answers })).to.include.members(['exit:1', 'followup:1']);
    expect(kinds({ ...base, participants: [exited], answers, today: '2026-11-19' })).to.not.include('followup:1');
    expect(kinds({ ...base, participants: [person(2)], answers: [] })).to.not.include('exit:2');
  });

  it('follows up codes unanswered for longer than the reminder, and participants past the planned length', () => {
    const old = { code: 'OLD', participantId: 1, point: 'exit' as const, status: 'active' as const, createdOn: '2026-11-17', responseStatus: 'in_progress' as const };
    const fresh = { ...old, code: 'NEW', participantId: 2, createdOn: '2026-11-18' };
    const items = worklist({ ...base, participants: [person(1, { exitedOn: '2026-11-10' }), person(2, { exitedOn: '2026-11-10' })], codes: [old, fresh] });
    expect(items.filter((w) => w.kind === 'unanswered').map((w) => w.code)).to.deep.equal(['OLD']);
    expect(kinds({ ...base, participants: [person(3, { startedOn: '2025-12-01' })] })).to.include('noExit:3');
    expect(kinds({ ...base, participants: [person(3, { startedOn: '2025-12-02' })] })).to.not.include('noExit:3');
  });

  it('counts and picks who a code goes to', () => {
    const items = worklist({ ...base, participants: [person(1, { exitedOn: '2026-11-01' }), person(2, { exitedOn: '2026-11-02' }), person(3)] });
    expect(worklistCounts(items).exit).to.equal(2);
    expect([...dueFor(items, 'exit')].sort()).to.deep.equal([1, 2]);
  });

  it('adds calendar months as people count them', () => {
    expect(addMonths('2026-01-31', 1)).to.equal('2026-02-28');
    expect(addMonths('2026-08-31', 6)).to.equal('2027-02-28');
    expect(addMonths('2026-12-15', 2)).to.equal('2027-02-15');
  });
});
