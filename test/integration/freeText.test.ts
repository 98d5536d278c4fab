import { expect } from 'chai';
import { sectionsForPoint } from '../../server/domain/instrument.js';
import { parseSectionForm } from '../../server/domain/answerForm.js';
import { scoreResponse } from '../../server/domain/scoring.js';
import type { Db } from '../../server/storage/db.js';
import { getAnswers, saveAnswers, startResponse, submitResponse } from '../../server/storage/responses.js';
import { pageFields } from '../helpers/answers.js';
import { smallIntervention } from '../helpers/fixtures.js';
import { instruments, startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, signedIn } from '../helpers/users.js';

const participant = instruments.get('participant')!;
const sections = sectionsForPoint(participant, 'start');

/** Participants of a new intervention who answer at start, each writing `texts[k]` (null: nothing) in the free-text item. */
function answered(db: Db, texts: (string | null)[], on: string[]) {
  const setup = smallIntervention(db, texts.length);
  setup.startCodes.forEach((code, k) => {
    const response = startResponse(db, { code, participantId: setup.participants[k]!.id, interventionId: setup.intervention.id, point: 'start', roundId: null, instrumentId: participant.id, instrumentVersion: participant.version, language: 'sv' });
    sections.forEach((section, i) => {
      const fields = pageFields(section);
      if ('item_anything_else' in fields) {
        if (texts[k] === null) delete fields.item_anything_else;
        else fields.item_anything_else = texts[k]!;
      }
      const parsed = parseSectionForm(section.items, fields);
      saveAnswers(db, response.id, parsed.answers, [], i + 2);
    });
    submitResponse(db, response, scoreResponse(participant, 'start', getAnswers(db, response.id)), undefined, on[k]);
  });
  return setup;
}

describe('free-text answers', function () {
  this.timeout(60_000);
  let server: TestServer;
  let big: ReturnType<typeof smallIntervention>;
  let small: ReturnType<typeof smallIntervention>;

  before(async () => {
    server = await startTestServer();
    big = answered(server.db, ['Bra stöd', null, 'Min handläggare Anna Berg på kontoret i Åby hjälpte mig', 'Mer tid', 'Tack', 'Lagom'],
      ['2026-03-01', '2026-03-02', '2026-03-05', '2026-03-03', '2026-03-04', '2026-02-01']);
    small = answered(server.db, ['Hemligt', 'Också', 'Tre'], ['2026-03-01', '2026-03-01', '2026-03-01']);
    makeUser(server.db, 'eval@fri.example', [{ federationId: big.federation.id, role: 'evaluator' }, { federationId: small.federation.id, role: 'evaluator' }]);
    makeUser(server.db, 'board@fri.example', [{ federationId: big.federation.id, role: 'board' }]);
  });
  after(() => server.close());

  const page = (s: typeof big) => `/f/${s.federation.id}/interventions/${s.intervention.id}/free-text`;

  it('shows what participants wrote, newest first, with dates and nothing that says whose', async () => {
    const evaluator = await signedIn(server.url, 'eval@fri.example');
    const res = await evaluator.get(page(big));
    expect(res.status).to.equal(200);
    const quotes = [...res.text.matchAll(/<blockquote>([^<]*)<\/blockquote>/g)].map((m) => m[1]);
    expect(quotes).to.deep.equal(['Min handläggare Anna Berg på kontoret i Åby hjälpte mig', 'Tack', 'Mer tid', 'Bra stöd', 'Lagom']);
    expect(res.text).to.contain('5 mars 2026');
    for (const p of big.participants) expect(res.text).not.to.contain(p.pseudonym);
    expect(server.db.prepare("SELECT detail FROM audit_log WHERE action = 'freeText.view' ORDER BY id DESC LIMIT 1").pluck().get()).to.equal(JSON.stringify({ shown: 5 }));
  });

  it('shows nothing where fewer than 5 sent a questionnaire, and nothing to the board', async () => {
    const evaluator = await signedIn(server.url, 'eval@fri.example');
    const res = await evaluator.get(page(small));
    expect(res.text).to.contain('För få enkäter');
    expect(res.text).not.to.contain('Hemligt');
    const board = await signedIn(server.url, 'board@fri.example');
    expect((await board.get(page(big))).status).to.equal(403);
  });

  it('hides an answer that identifies someone: audited, gone from the page and from the export', async () => {
    const evaluator = await signedIn(server.url, 'eval@fri.example');
    const before = await evaluator.get(page(big));
    const responseId = /name="responseId" value="(\d+)"/.exec(before.text)![1]!;
    const hidden = await evaluator.post(`${page(big)}/hide`, { responseId, itemId: 'anything_else' });
    expect(hidden.status).to.equal(303);
    expect(hidden.location).to.equal(`${page(big)}?hidden=1`);
    const after = await evaluator.get(hidden.location!);
    expect(after.text).not.to.contain('Anna Berg');
    expect(after.text).to.contain('Svaret är dolt');
    const csv = await evaluator.get(`/f/${big.federation.id}/interventions/${big.intervention.id}/export/responses.csv?freeText=1`);
    expect(csv.text).to.contain('Bra stöd');
    expect(csv.text).not.to.contain('Anna Berg');
    expect(server.db.prepare("SELECT target FROM audit_log WHERE action = 'freeText.hide'").pluck().all()).to.deep.equal([`response:${responseId}`]);
    expect((await evaluator.post(`${page(big)}/hide`, { responseId, itemId: 'anything_else' })).status, 'already hidden').to.equal(404);
    expect((await evaluator.post(`${page(small)}/hide`, { responseId, itemId: 'anything_else' })).status, 'another intervention').to.equal(404);
  });
});
