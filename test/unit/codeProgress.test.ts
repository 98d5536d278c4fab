import { expect } from 'chai';
import { progressByParticipant, progressOf, type CodeState } from '../../server/domain/codeProgress.js';
import { qrSvg } from '../../server/domain/slips.js';

const code = (participantId: number | null, point: CodeState['point'], status: CodeState['status'], responseStatus: CodeState['responseStatus'] = null): CodeState => ({ participantId, point, status, responseStatus });

describe('code progress for staff', () => {
  it('derives issued, started, submitted and revoked from the code and its response', () => {
    expect(progressOf(code(1, 'start', 'active'))).to.equal('issued');
    expect(progressOf(code(1, 'start', 'active', 'in_progress'))).to.equal('started');
    expect(progressOf(code(1, 'start', 'spent', 'submitted'))).to.equal('submitted');
    expect(progressOf(code(1, 'start', 'revoked', 'in_progress'))).to.equal('revoked');
  });

  it('shows the newest code that is not revoked, and revoked only when nothing else is left', () => {
    const byParticipant = progressByParticipant([
      code(1, 'start', 'revoked'), code(1, 'start', 'active', 'in_progress'),
      code(2, 'start', 'revoked'),
      code(3, 'start', 'spent', 'submitted'), code(3, 'exit', 'active'),
      code(null, 'start', 'active'),
    ]);
    expect(byParticipant.get(1)!.get('start')).to.equal('started');
    expect(byParticipant.get(2)!.get('start')).to.equal('revoked');
    expect([...byParticipant.get(3)!]).to.deep.equal([['start', 'submitted'], ['exit', 'issued']]);
    expect(byParticipant.size).to.equal(3);
  });
});

describe('code slips', () => {
  it('makes an inline SVG QR code without style attributes', async () => {
    const svg = await qrSvg('https://indikator.example/s/ABCD2345');
    expect(svg).to.match(/^<svg class="slip-qr" aria-hidden="true" focusable="false" xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).not.to.match(/style=/);
  });
});
