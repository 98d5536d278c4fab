import { expect } from 'chai';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';
import type { Browser, Page } from 'playwright-core';
import type { OidcProvider } from '../../server/config.js';
import { createFederation } from '../../server/storage/federations.js';
import { launchChromium } from '../helpers/browser.js';
import { HttpClient } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { makeUser, TEST_PASSWORD } from '../helpers/users.js';

// A real OpenID Connect provider (oidc-provider) on a random port of this machine, with a test
// client for the app and test people, and the whole sign-in driven in Chromium: the app's button,
// the provider's own login and consent pages, the callback, the account and its förbund.

const listening = (server: Server) => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));

/** The people the provider knows, by subject (the login typed on its page). */
const people: Record<string, { email: string; email_verified: boolean; name: string }> = {
  'anna-sub': { email: 'anna@forbund.example', email_verified: true, name: 'Anna Andersson' },
  'chef-sub': { email: 'chef@forbund.example', email_verified: true, name: 'Cecilia Chef' },
  'okand-sub': { email: 'okand@annanstans.example', email_verified: true, name: 'Okänd Person' },
  'overifierad-sub': { email: 'personal@forbund.example', email_verified: false, name: 'Ej Verifierad' },
};

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The same ID token with some claims changed, signed again with the provider's own key (so only the changed claim can be why it is refused). */
function resigned(idToken: string, key: KeyObject, change: (claims: Record<string, unknown>) => Record<string, unknown>): string {
  const [header, payload] = idToken.split('.') as [string, string];
  const claims = change(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>);
  const signingInput = `${header}.${b64url(claims)}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), key).toString('base64url')}`;
}

describe('single sign-on through a real OpenID Connect provider, in Chromium', function () {
  this.timeout(180_000);
  let app: TestServer;
  let browser: Browser;
  let idpServer: Server;
  let issuer: string;
  let fid: number;
  /** Set by a test: how the provider's token endpoint changes the ID token on its way out. */
  let tamper: ((claims: Record<string, unknown>) => Record<string, unknown>) | null = null;
  /** Set by a test: how the provider's answer changes on its way to the app's callback, as an attacker between them could change it. */
  let rewrite: ((callback: URL) => void) | null = null;

  before(async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    idpServer = createServer();
    issuer = await listening(idpServer);
    // A provider that does not answer: a port that was free a moment ago.
    const gone = createServer();
    const downIssuer = await listening(gone);
    await new Promise((resolve) => gone.close(resolve));
    const provider = (id: string, name: string, url: string): OidcProvider => ({ id, name, issuer: url, clientId: 'indikator', clientSecret: 'ett-hemligt-testlosen-2026', emailClaim: 'email', verifiedClaim: 'email_verified' });
    app = await startTestServer({ config: (url) => ({ publicUrl: url, adminTwoFactor: true, oidcProviders: [provider('test', 'Testleverantören', issuer), provider('nere', 'Nere-ID', downIssuer)] }) });
    fid = createFederation(app.db, 'Samordningsförbundet Norrdal').id;
    createFederation(app.db, 'Ett annat förbund');
    makeUser(app.db, 'anna@forbund.example', [{ federationId: fid, role: 'evaluator' }]);
    makeUser(app.db, 'chef@forbund.example', [{ federationId: fid, role: 'federation_admin' }]);
    makeUser(app.db, 'personal@forbund.example', [{ federationId: fid, role: 'staff' }]);

    const configuration: Configuration = {
      clients: [{
        client_id: 'indikator', client_secret: 'ett-hemligt-testlosen-2026', redirect_uris: [`${app.url}/login/oidc/test/callback`],
        post_logout_redirect_uris: [`${app.url}/login`], response_types: ['code'], grant_types: ['authorization_code'],
      }],
      jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' }] },
      findAccount: (_ctx, sub) => (people[sub] ? { accountId: sub, claims: () => ({ sub, ...people[sub] }) } : undefined),
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      // The e-mail in the ID token itself, as Entra ID and the e-ID brokers give it.
      conformIdTokenClaims: false,
      cookies: { keys: ['en-testnyckel-för-kakor'] },
      features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
      pkce: { required: () => true },
    };
    const oidc = new Provider(issuer, configuration);
    oidc.use(async (ctx, next) => {
      await next();
      const body = ctx.body as { id_token?: string } | undefined;
      if (tamper && ctx.path === '/token' && body?.id_token) ctx.body = { ...body, id_token: resigned(body.id_token, privateKey, tamper) };
      const location = String(ctx.response.get('location') ?? '');
      if (rewrite && location.startsWith(`${app.url}/login/oidc/test/callback`)) {
        const url = new URL(location);
        rewrite(url);
        ctx.set('location', url.href);
      }
    });
    idpServer.on('request', (req, res) => void oidc.callback()(req, res));
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    idpServer.closeAllConnections();
    await new Promise((resolve) => idpServer.close(resolve));
    await app.close();
  });
  afterEach(() => {
    tamper = null;
    rewrite = null;
  });

  /** Clicks the app's button, signs in at the provider's own page as `login`, consents; returns the page back at the app. */
  async function throughProvider(page: Page, login: string, start = '/login'): Promise<Page> {
    await page.goto(`${app.url}${start}`);
    await page.click('a:has-text("Logga in med Testleverantören")');
    await page.waitForURL(`${issuer}/**`);
    await page.fill('input[name="login"]', login);
    await page.fill('input[name="password"]', 'vad-som-helst');
    await page.click('button[type="submit"]');
    // The provider asks for consent the first time this browser signs in to the app.
    await page.waitForURL((url) => url.href.startsWith(app.url) || url.pathname.includes('/interaction/'));
    if (page.url().startsWith(issuer)) await page.click('button:has-text("Continue")');
    await page.waitForURL(`${app.url}/**`);
    await page.waitForLoadState('load');
    return page;
  }

  const freshPage = async () => (await browser.newContext({ locale: 'sv-SE' })).newPage();
  /** Why the last failed sign-in failed, as the log has it. */
  const whyFailed = () => (JSON.parse(lastAudit('login.failed').detail) as { why: string }).why;
  const lastAudit = (action: string) => app.db.prepare('SELECT user_id AS userId, actor, detail FROM audit_log WHERE action = ? ORDER BY id DESC LIMIT 1').get(action) as { userId: number | null; actor: string | null; detail: string };
  const userId = (email: string) => app.db.prepare('SELECT id FROM users WHERE email = ?').pluck().get(email) as number;

  it('signs a staff member in through the provider into their förbund, links the subject, and finds them by it next time', async () => {
    const page = await throughProvider(await freshPage(), 'anna-sub', `/login?next=${encodeURIComponent(`/f/${fid}`)}`);
    expect(new URL(page.url()).pathname).to.equal(`/f/${fid}`);
    await page.waitForSelector('h1:has-text("Samordningsförbundet Norrdal")');
    expect(await page.textContent('header')).to.contain('anna');
    expect(app.db.prepare("SELECT user_id FROM oidc_links WHERE provider = 'test' AND subject = 'anna-sub'").pluck().get()).to.equal(userId('anna@forbund.example'));
    expect(JSON.parse(lastAudit('login.ok').detail)).to.deep.equal({ method: 'oidc:test', linked: true });
    // A new address at the provider: the subject still finds her account (never another's by the new address).
    people['anna-sub']!.email = 'anna.ny@forbund.example';
    try {
      const again = await throughProvider(await freshPage(), 'anna-sub');
      expect(new URL(again.url()).pathname).to.equal('/');
      expect(await again.textContent('main')).to.contain('Samordningsförbundet Norrdal').and.not.contain('Ett annat förbund');
      expect(lastAudit('login.ok').userId).to.equal(userId('anna@forbund.example'));
      expect(JSON.parse(lastAudit('login.ok').detail)).to.deep.equal({ method: 'oidc:test' });
    } finally {
      people['anna-sub']!.email = 'anna@forbund.example';
    }
  });

  it('refuses an e-mail with no account, and one the provider has not verified, on a clear page (no account is made)', async () => {
    const users = app.db.prepare('SELECT count(*) FROM users').pluck().get();
    for (const [login, email] of [['okand-sub', 'okand@annanstans.example'], ['overifierad-sub', 'personal@forbund.example']] as const) {
      const page = await throughProvider(await freshPage(), login);
      expect(await page.textContent('.error-summary'), login).to.contain('Det finns inget konto i Indikator');
      expect(await page.title()).to.contain('Logga in');
      expect(lastAudit('login.failed').actor).to.equal(email);
    }
    expect(JSON.parse(lastAudit('login.failed').detail)).to.include({ reason: 'sso.unknownAccount', why: 'emailNotVerified' });
    expect(app.db.prepare('SELECT count(*) FROM users').pluck().get()).to.equal(users);
    expect(app.db.prepare("SELECT count(*) FROM oidc_links WHERE subject IN ('okand-sub', 'overifierad-sub')").pluck().get()).to.equal(0);
  });

  it('refuses an answer whose state is not the one this browser sent', async () => {
    const page = await freshPage();
    rewrite = (url) => url.searchParams.set('state', 'en-annan-state');
    await throughProvider(page, 'anna-sub');
    expect(await page.textContent('.error-summary')).to.contain('gick inte att slutföra');
    expect(whyFailed()).to.match(/state/);
    expect((await page.request.get(`${app.url}/account`, { maxRedirects: 0 })).status()).to.equal(303);
  });

  it('refuses a code used once already: the same answer again, and the old code inside a new sign-in', async () => {
    const page = await freshPage();
    const callbacks: string[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(`${app.url}/login/oidc/test/callback`)) callbacks.push(r.url());
    });
    await throughProvider(page, 'anna-sub');
    expect(new URL(page.url()).pathname).to.equal('/');
    const used = new URL(callbacks[0]!);
    await page.click('button:has-text("Logga ut")');
    // The same answer again: nothing in this browser waits for it.
    const again = await page.goto(used.href);
    expect(again!.status()).to.equal(400);
    expect(await page.textContent('.error-summary')).to.contain('gick inte att slutföra');
    // A new sign-in (another browser) whose answer carries the old code: the provider refuses it at the token endpoint.
    const other = await freshPage();
    rewrite = (url) => url.searchParams.set('code', used.searchParams.get('code')!);
    await throughProvider(other, 'anna-sub');
    expect(await other.textContent('.error-summary')).to.contain('gick inte att slutföra');
    expect(whyFailed()).to.match(/invalid_grant|grant request is invalid/);
  });

  it('refuses an expired ID token and one for another audience, each for that reason', async () => {
    const cases: [string, (c: Record<string, unknown>) => Record<string, unknown>, RegExp][] = [
      ['expired', (c) => ({ ...c, iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 }), /"exp" \(expiration time\)/],
      ['wrong audience', (c) => ({ ...c, aud: 'ett-annat-program' }), /"aud" \(audience\)/],
    ];
    for (const [name, change, why] of cases) {
      tamper = change;
      const page = await throughProvider(await freshPage(), 'anna-sub');
      expect(await page.textContent('.error-summary'), name).to.contain('gick inte att slutföra');
      expect(whyFailed(), name).to.match(why);
      expect((await page.request.get(`${app.url}/account`, { maxRedirects: 0 })).status(), name).to.equal(303);
    }
  });

  it('says plainly when the provider does not answer (not a 500)', async () => {
    const page = await freshPage();
    await page.goto(`${app.url}/login`);
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().includes('/login/oidc/nere')), page.click('a:has-text("Logga in med Nere-ID")')]);
    expect(response.status()).to.equal(502);
    expect(await page.textContent('.error-summary')).to.contain('Inloggningstjänsten svarar inte');
    expect(JSON.parse(lastAudit('login.failed').detail)).to.include({ reason: 'sso.unavailable', provider: 'nere' });
  });

  it('lets an admin signed in through the provider require it for the förbund: no second factor asked, password sign-in refused, sign-out offers the provider\'s', async () => {
    // A password admin cannot require it (they would not know it works for them).
    const passwordAdmin = new HttpClient(app.url);
    await passwordAdmin.get('/login');
    expect((await passwordAdmin.post('/login', { email: 'chef@forbund.example', password: TEST_PASSWORD, next: '/' })).location).to.equal('/login/second-factor');

    const page = await throughProvider(await freshPage(), 'chef-sub', `/login?next=${encodeURIComponent(`/f/${fid}/sign-in`)}`);
    expect(new URL(page.url()).pathname).to.equal(`/f/${fid}/sign-in`);
    await page.check('#ssoRequired');
    await page.click('main button[type="submit"]');
    await page.waitForSelector('.panel-success');
    expect(JSON.parse(lastAudit('federation.signIn').detail)).to.deep.equal({ ssoRequired: true });

    const staff = new HttpClient(app.url);
    await staff.get('/login');
    const refused = await staff.post('/login', { email: 'personal@forbund.example', password: TEST_PASSWORD, next: '/' });
    expect(refused.status).to.equal(403);
    expect(refused.text).to.contain('kräver att du loggar in via din organisation');
    expect(JSON.parse(lastAudit('login.failed').detail)).to.deep.equal({ reason: 'login.ssoRequired' });

    await page.click('button:has-text("Logga ut")');
    await page.waitForSelector('h1:has-text("Du är utloggad")');
    const providerLogout = await page.getAttribute('a:has-text("Logga ut från Testleverantören")', 'href');
    expect(providerLogout).to.match(new RegExp(`^${issuer}/session/end\\?`));
    expect(new URL(providerLogout!).searchParams.get('post_logout_redirect_uri')).to.equal(`${app.url}/login`);
    expect((await page.request.get(`${app.url}/account`, { maxRedirects: 0 })).status()).to.equal(303);
    await page.click('a:has-text("Logga ut från Testleverantören")');
    await page.waitForURL(`${issuer}/**`);
  });
});
