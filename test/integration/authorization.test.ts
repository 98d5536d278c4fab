import { expect } from 'chai';
import { createApp } from '../../server/app.js';
import { createApiToken } from '../../server/storage/apiTokens.js';
import { issueAccessCodes } from '../../server/storage/accessCodes.js';
import { createFederation, setOrganisationNumber } from '../../server/storage/federations.js';
import { createIntervention, setMeasurementPoint } from '../../server/storage/interventions.js';
import { createParticipant } from '../../server/storage/participants.js';
import { federationReport } from '../../server/services/boardReport.js';
import { closePdfRenderer } from '../../server/pdf.js';
import { addProjectMember, addProjectTarget, createProject, createSubproject, listProjectTargets } from '../../server/storage/projects.js';
import { saveSnapshot } from '../../server/storage/reports.js';
import type { FederationRole } from '../../server/storage/users.js';
import { HttpClient } from '../helpers/http.js';
import { listRoutes } from '../helpers/routes.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, signedIn } from '../helpers/users.js';

type Actor = 'anonymous' | 'system_admin' | 'federation_admin' | 'staff' | 'staff_unassigned' | 'evaluator' | 'board' | 'other_federation_admin' | 'project_member';
const ACTORS: Actor[] = ['anonymous', 'system_admin', 'federation_admin', 'staff', 'staff_unassigned', 'evaluator', 'board', 'other_federation_admin', 'project_member'];

const ANYONE = 'anyone' as const;
const ADMIN: Actor[] = ['federation_admin'];
const STAFF_WORK: Actor[] = ['federation_admin', 'staff'];
const READERS: Actor[] = ['federation_admin', 'evaluator', 'board'];
const EXPORTERS: Actor[] = ['federation_admin', 'evaluator'];
const MEMBERS: Actor[] = ['federation_admin', 'staff', 'staff_unassigned', 'evaluator', 'board'];
const SIGNED_IN: Actor[] = ACTORS.filter((a) => a !== 'anonymous');
const PROJECT_READERS: Actor[] = ['system_admin', 'project_member'];
const SYSTEM: Actor[] = ['system_admin'];

/**
 * Every route the app answers, and who may use it (in federation A, intervention A1). A route that
 * is missing here fails the first test, so no new route can ship without a decision.
 */
const MATRIX: Record<string, Actor[] | typeof ANYONE> = {
  'GET /healthz': ANYONE,
  'GET /': ANYONE,
  'GET /login': ANYONE,
  'POST /login': ANYONE,
  'POST /logout': ANYONE,
  'POST /logout-everywhere': SIGNED_IN,
  'GET /account': SIGNED_IN,
  'POST /account/password': SIGNED_IN,
  // The second factor after a password: the pending sign-in in the session is the key (twoFactor.test.ts).
  'GET /login/second-factor': ANYONE,
  'POST /login/second-factor': ANYONE,
  'GET /account/two-factor': SIGNED_IN,
  'POST /account/two-factor': SIGNED_IN,
  'POST /account/two-factor/remove': SIGNED_IN,
  // Single sign-on: the provider's answer is checked against the session that started it (sso.e2e.test.ts).
  'GET /login/oidc/:provider': ANYONE,
  'GET /login/oidc/:provider/callback': ANYONE,
  'GET /f/:fid/sign-in': ADMIN,
  'POST /f/:fid/sign-in': ADMIN,
  'GET /s': ANYONE,
  'POST /s': ANYONE,
  'GET /s/thanks': ANYONE,
  'GET /s/:code': ANYONE,
  'GET /s/:code/language': ANYONE,
  'POST /s/:code/language': ANYONE,
  'GET /s/:code/paused': ANYONE,
  'GET /s/:code/review': ANYONE,
  'POST /s/:code/submit': ANYONE,
  'GET /s/:code/:page': ANYONE,
  'POST /s/:code/:page': ANYONE,
  'POST /s/:code/:page/new-code': ANYONE,
  'GET /admin/federations': ['system_admin'],
  'GET /admin/audit': ['system_admin'],
  'GET /admin/audit.csv': ['system_admin'],
  'POST /admin/federations': ['system_admin'],
  'GET /f/:fid': MEMBERS,
  'GET /f/:fid/settings': ADMIN,
  'GET /f/:fid/texts': ADMIN,
  'GET /f/:fid/preview': MEMBERS,
  'POST /f/:fid/texts': ADMIN,
  // What participants read before answering, and the accessibility statement: public.
  'GET /privacy/:fid': ANYONE,
  'GET /accessibility': ANYONE,
  'POST /f/:fid/settings': ADMIN,
  'GET /f/:fid/rounds': ADMIN,
  'POST /f/:fid/rounds': ADMIN,
  'GET /f/:fid/interventions/new': ADMIN,
  'POST /f/:fid/interventions': ADMIN,
  'GET /f/:fid/interventions/:iid/edit': ADMIN,
  'POST /f/:fid/interventions/:iid': ADMIN,
  'GET /f/:fid/users': ADMIN,
  'POST /f/:fid/users': ADMIN,
  // An invitation link is its own key: anyone holding it (tested in invitations.test.ts).
  'GET /invite/:token': ANYONE,
  // A reset link is its own key too (mailed to the account's address; tested in mail.test.ts).
  'GET /password/forgot': ANYONE,
  'POST /password/forgot': ANYONE,
  'GET /password/reset/:token': ANYONE,
  'POST /password/reset/:token': ANYONE,
  'POST /invite/:token': ANYONE,
  'POST /f/:fid/users/:uid/revoke': ADMIN,
  'GET /f/:fid/tokens': ADMIN,
  'POST /f/:fid/tokens': ADMIN,
  'POST /f/:fid/tokens/:tid/revoke': ADMIN,
  'GET /f/:fid/audit': ADMIN,
  'GET /f/:fid/audit.csv': ADMIN,
  'GET /f/:fid/interventions/:iid/results': READERS,
  'GET /f/:fid/interventions/:iid/export': EXPORTERS,
  'GET /f/:fid/interventions/:iid/free-text': EXPORTERS,
  'POST /f/:fid/interventions/:iid/free-text/hide': EXPORTERS,
  'GET /f/:fid/interventions/:iid/export/responses.csv': EXPORTERS,
  'GET /f/:fid/interventions/:iid/export/codebook.csv': EXPORTERS,
  'GET /f/:fid/interventions/:iid/export/codebook.json': EXPORTERS,
  'GET /f/:fid/interventions/:iid/results/indicators/:indicatorId': READERS,
  'GET /f/:fid/compare': READERS,
  // Not federation-bound: each caller sees only the förbund whose results they may read (tested in analysis.test.ts).
  'GET /analysis/region': [...READERS, 'other_federation_admin'],
  'GET /api/v1/openapi.json': ANYONE,
  'GET /api/v1/interventions/:id/summary': READERS,
  'GET /api/v1/federations/:id/comparison': READERS,
  'GET /f/:fid/interventions/:iid/participants': STAFF_WORK,
  'POST /f/:fid/interventions/:iid/participants': STAFF_WORK,
  'GET /f/:fid/interventions/:iid/participants/:pid': STAFF_WORK,
  'POST /f/:fid/interventions/:iid/participants/:pid/exit': STAFF_WORK,
  'POST /f/:fid/interventions/:iid/participants/:pid/codes': STAFF_WORK,
  'POST /f/:fid/interventions/:iid/codes': STAFF_WORK,
  'POST /f/:fid/interventions/:iid/codes/anonymous': STAFF_WORK,
  'POST /f/:fid/interventions/:iid/participants/bulk': STAFF_WORK,
  'POST /f/:fid/interventions/:iid/participants/:pid/codes/:code/reissue': STAFF_WORK,
  'GET /f/:fid/interventions/:iid/slips': STAFF_WORK,
  'POST /f/:fid/interventions/:iid/paper': STAFF_WORK,
  'GET /f/:fid/interventions/:iid/paper/:code': STAFF_WORK,
  'POST /f/:fid/interventions/:iid/paper/:code': STAFF_WORK,
  'GET /f/:fid/interventions/:iid/rates': STAFF_WORK,
  'GET /f/:fid/interventions/:iid/import': STAFF_WORK,
  'GET /f/:fid/interventions/:iid/import/template.csv': STAFF_WORK,
  'POST /f/:fid/interventions/:iid/import': STAFF_WORK,
  'POST /f/:fid/interventions/:iid/import/upload': STAFF_WORK,
  'GET /f/:fid/interventions/:iid/import/jobs/:job': STAFF_WORK,
  'GET /f/:fid/interventions/:iid/import/jobs/:job/progress': STAFF_WORK,
  'GET /f/:fid/interventions/:iid/import/jobs/:job/columns': STAFF_WORK,
  'POST /f/:fid/interventions/:iid/import/jobs/:job/columns': STAFF_WORK,
  'POST /f/:fid/interventions/:iid/import/jobs/:job': STAFF_WORK,
  'POST /f/:fid/interventions/:iid/import/jobs/:job/cancel': STAFF_WORK,
  // A participant's GDPR requests (right of access, erasure): förbund admins only.
  'GET /f/:fid/interventions/:iid/participants/:pid/export.json': ADMIN,
  'GET /f/:fid/interventions/:iid/participants/:pid/erase': ADMIN,
  'POST /f/:fid/interventions/:iid/participants/:pid/erase': ADMIN,
  'GET /f/:fid/report': READERS,
  'GET /f/:fid/report.pdf': READERS,
  'POST /f/:fid/report/freeze': ADMIN,
  'GET /f/:fid/interventions/:iid/report': READERS,
  'GET /f/:fid/interventions/:iid/report.pdf': READERS,
  'POST /f/:fid/interventions/:iid/report/freeze': ADMIN,
  'GET /f/:fid/reports/snapshots/:sid': READERS,
  'GET /f/:fid/reports/snapshots/:sid.pdf': READERS,
  // The yearly submission to the national report: förbund admins.
  'GET /f/:fid/national': ADMIN,
  'GET /f/:fid/national/:year.json': ADMIN,
  'GET /f/:fid/national/:year.csv': ADMIN,
  // Regional projects span federations: the steering group (project members) and system admins read them.
  'GET /projects/:pid': PROJECT_READERS,
  'GET /projects/:pid/report': PROJECT_READERS,
  'GET /projects/:pid/report.pdf': PROJECT_READERS,
  'GET /admin/projects': SYSTEM,
  'POST /admin/projects': SYSTEM,
  'GET /admin/projects/:pid': SYSTEM,
  'POST /admin/projects/:pid/subprojects': SYSTEM,
  'POST /admin/projects/:pid/targets': SYSTEM,
  'POST /admin/projects/:pid/targets/:targetId/remove': SYSTEM,
  'POST /admin/projects/:pid/members': SYSTEM,
  'POST /admin/projects/:pid/members/:uid/remove': SYSTEM,
  // Not federation-bound: each caller gets the interventions of their own federations (the scope test below).
  'GET /api/v1/interventions': [...READERS, 'other_federation_admin'],
};

/** Tables whose rows a refused request must not change (the audit log and sessions may grow). */
const DATA_TABLES = ['federations', 'interventions', 'measurement_points', 'measurement_rounds', 'participants', 'access_codes', 'responses', 'answers', 'users', 'user_roles', 'staff_assignments', 'api_tokens', 'federation_parties',
  'projects', 'subprojects', 'project_targets', 'project_members', 'report_snapshots', 'user_totp', 'recovery_codes', 'oidc_links'];

describe('authorisation matrix: every route × every role', function () {
  this.timeout(120_000);
  let server: TestServer;
  let params: Record<string, string>;
  /** :pid is a participant under /f/…, but a project under /projects and /admin/projects. */
  let projectParams: Record<string, string>;
  const clients = new Map<Actor, HttpClient>();
  const emails: Partial<Record<Actor, string>> = {};

  before(async () => {
    // Admins give a second factor, as in every installation by default: signedIn() sets it up and answers it through the real pages.
    server = await startTestServer({ config: { adminTwoFactor: true } });
    const db = server.db;
    const a = createFederation(db, 'Förbund A');
    setOrganisationNumber(db, a.id, '222000-1230');
    const b = createFederation(db, 'Förbund B');
    const a1 = createIntervention(db, { federationId: a.id, name: 'A1', kind: 'individual' });
    createIntervention(db, { federationId: b.id, name: 'B1', kind: 'individual' });
    const start = setMeasurementPoint(db, a1.id, 'start', 'participant');
    const participant = createParticipant(db, { interventionId: a1.id });
    const [code] = issueAccessCodes(db, { measurementPointId: start.id, participantIds: [participant.id] });
    const grant = (role: FederationRole, federationId = a.id) => [{ federationId, role }];
    const users: Record<Exclude<Actor, 'anonymous'>, ReturnType<typeof makeUser>> = {
      system_admin: makeUser(db, 'sys@test.example', [], { systemAdmin: true }),
      federation_admin: makeUser(db, 'admin@test.example', grant('federation_admin')),
      staff: makeUser(db, 'staff@test.example', grant('staff'), { assign: [a1.id] }),
      staff_unassigned: makeUser(db, 'staff2@test.example', grant('staff')),
      evaluator: makeUser(db, 'eval@test.example', grant('evaluator')),
      board: makeUser(db, 'board@test.example', grant('board')),
      other_federation_admin: makeUser(db, 'other@test.example', grant('federation_admin', b.id)),
      project_member: makeUser(db, 'project@test.example'),
    };
    const project = createProject(db, { name: 'Projektet' });
    createSubproject(db, { projectId: project.id, federationId: a.id, name: 'Delprojekt A' });
    addProjectTarget(db, { projectId: project.id, label: 'Mål', kind: 'work_or_studies', exitStatuses: null, target: 10 });
    addProjectMember(db, project.id, users.project_member.id);
    const frozen = federationReport(server.ctx, a, null);
    const snapshotId = saveSnapshot(db, { federationId: a.id, interventionId: null, round: null, frozenOn: '2026-07-01', data: frozen, createdBy: null });
    const { record } = createApiToken(db, { name: 't', federationId: a.id, role: 'evaluator', createdBy: null });
    params = { fid: String(a.id), iid: String(a1.id), pid: String(participant.id), uid: String(users.board.id), tid: String(record.id), code: code!, page: '1', indicatorId: 'trust_fk', id: String(a1.id), sid: String(snapshotId), year: '2026', job: 'no-such-upload' };
    projectParams = { ...params, pid: String(project.id), targetId: String(listProjectTargets(db, project.id)[0]!.id) };
    clients.set('anonymous', new HttpClient(server.url));
    for (const [actor, user] of Object.entries(users)) {
      emails[actor as Actor] = user.email;
      clients.set(actor as Actor, await signedIn(server.url, user.email));
    }
  });

  after(async () => {
    await closePdfRenderer();
    await server.close();
  });

  it('has a decision for every route the app answers, and no stale entries', () => {
    const routes = listRoutes(createApp(server.ctx));
    expect(routes.filter((r) => !(r in MATRIX)), 'routes without an entry in MATRIX').to.deep.equal([]);
    expect(Object.keys(MATRIX).filter((r) => !routes.includes(r)), 'MATRIX entries for routes that do not exist').to.deep.equal([]);
  });

  const snapshot = () => JSON.stringify(DATA_TABLES.map((t) => server.db.prepare(`SELECT * FROM ${t}`).all()));

  it('allows exactly the listed roles and refuses the rest without changing data', async () => {
    const failures: string[] = [];
    for (const [route, allowed] of Object.entries(MATRIX)) {
      if (allowed === ANYONE) continue;
      const [method, pattern] = route.split(' ') as [string, string];
      const values = /^\/(admin\/)?projects\//.test(pattern) ? projectParams : params;
      const path = pattern.replace(/:(\w+)/g, (_m, name: string) => values[name]!);
      for (const actor of ACTORS) {
        const client = clients.get(actor)!;
        const before = snapshot();
        if (method === 'POST') await client.get(actor === 'anonymous' ? '/login' : '/account');
        const res = method === 'GET' ? await client.get(path) : await client.post(path, {});
        const refused = res.status === 401 || res.status === 403 || (res.status === 303 && (res.location ?? '').startsWith('/login?'));
        const expectAllowed = allowed.includes(actor);
        if (res.status >= 500) failures.push(`${route} as ${actor}: ${res.status}`);
        else if (expectAllowed === refused) failures.push(`${route} as ${actor}: expected ${expectAllowed ? 'allowed' : 'refused'}, got ${res.status}`);
        if (refused) {
          const after = snapshot();
          if (after !== before) failures.push(`${route} as ${actor}: refused but data changed`);
        }
        if (route === 'POST /logout-everywhere' && actor !== 'anonymous') clients.set(actor, await signedIn(server.url, emails[actor]!));
      }
    }
    expect(failures).to.deep.equal([]);
  });

  it('API tokens are scoped to their federation and role', async () => {
    const db = server.db;
    const fedB = 2;
    const tokens = {
      evaluatorA: createApiToken(db, { name: 'e', federationId: Number(params.fid), role: 'evaluator', createdBy: null }).token,
      staffA: createApiToken(db, { name: 's', federationId: Number(params.fid), role: 'staff', createdBy: null }).token,
      evaluatorB: createApiToken(db, { name: 'b', federationId: fedB, role: 'evaluator', createdBy: null }).token,
    };
    const get = (token: string) => fetch(`${server.url}/api/v1/interventions`, { headers: { authorization: `Bearer ${token}` } });
    const a = await get(tokens.evaluatorA);
    expect(a.status).to.equal(200);
    expect(((await a.json()) as { interventions: { name: string }[] }).interventions.map((i) => i.name)).to.deep.equal(['A1']);
    const b = await get(tokens.evaluatorB);
    expect(((await b.json()) as { interventions: { name: string }[] }).interventions.map((i) => i.name)).to.deep.equal(['B1']);
    expect((await get(tokens.staffA)).status).to.equal(403);
    expect((await get('ik_not-a-real-token')).status).to.equal(401);
    expect((await fetch(`${server.url}/api/v1/interventions`)).status).to.equal(401);
    const used = db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'token.use'").get() as { n: number };
    expect(used.n).to.be.greaterThanOrEqual(3);
  });
});
