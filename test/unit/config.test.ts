import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../server/config.js';
import { ROOT } from '../../server/paths.js';

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('config.loadConfig', () => {
  it('has working defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).to.equal(3000);
    expect(config.dbFile).to.equal(path.join(ROOT, 'data', 'indikator.sqlite'));
    expect(config.demo).to.equal(true);
    expect(config.publicUrl).to.equal('http://localhost:3000');
    expect(config.secureCookies).to.equal(false);
    expect(config.trustProxy).to.equal(false);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', INDIKATOR_DEMO: '', INDIKATOR_DB: '' })).to.deep.equal(loadConfig({}));
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080', INDIKATOR_DB: '/var/lib/indikator/db.sqlite', INDIKATOR_DEMO: 'no',
      INDIKATOR_PUBLIC_URL: 'https://enkat.example.se/', INDIKATOR_SECURE_COOKIES: 'on', INDIKATOR_TRUST_PROXY: '1',
      INDIKATOR_HOST: '127.0.0.1',
    });
    expect(config.host).to.equal('127.0.0.1');
    expect(config.port).to.equal(8080);
    expect(config.dbFile).to.equal('/var/lib/indikator/db.sqlite');
    expect(config.demo).to.equal(false);
    expect(config.publicUrl).to.equal('https://enkat.example.se');
    expect(config.secureCookies).to.equal(true);
    expect(config.trustProxy).to.equal(1);
  });

  it('derives the public URL from the port when none is given', () => {
    expect(loadConfig({ PORT: '4000' }).publicUrl).to.equal('http://localhost:4000');
  });

  it('resolves a relative database path against the project root', () => {
    expect(loadConfig({ INDIKATOR_DB: 'data/other.sqlite' }).dbFile).to.equal(path.join(ROOT, 'data', 'other.sqlite'));
  });

  it('accepts the usual words for booleans', () => {
    for (const yes of ['1', 'true', 'yes', 'on', 'Yes', ' ON ']) expect(loadConfig({ INDIKATOR_DEMO: yes }).demo, yes).to.equal(true);
    for (const no of ['0', 'false', 'no', 'off', 'FALSE']) expect(loadConfig({ INDIKATOR_DEMO: no }).demo, no).to.equal(false);
  });

  it('throws a ConfigError naming PORT for PORT=abc', () => {
    const err = configError({ PORT: 'abc' });
    expect(err.message).to.match(/^PORT\b/);
    expect(err.message).to.include('abc');
    expect(err.message).to.not.include('\n');
  });

  it('throws a ConfigError naming INDIKATOR_DEMO for INDIKATOR_DEMO=maybe', () => {
    const err = configError({ INDIKATOR_DEMO: 'maybe' });
    expect(err.message).to.match(/^INDIKATOR_DEMO\b/);
    expect(err.message).to.include('maybe');
    expect(err.message).to.not.include('\n');
  });

  it('names the variable for other bad values too', () => {
    expect(configError({ PORT: '70000' }).message).to.match(/^PORT\b/);
    expect(configError({ PORT: '3000.5' }).message).to.match(/^PORT\b/);
    expect(configError({ PORT: '-1' }).message).to.match(/^PORT\b/);
    expect(configError({ INDIKATOR_PUBLIC_URL: 'enkat.example.se' }).message).to.match(/^INDIKATOR_PUBLIC_URL\b/);
    expect(configError({ INDIKATOR_SECURE_COOKIES: 'ja' }).message).to.match(/^INDIKATOR_SECURE_COOKIES\b/);
    expect(configError({ INDIKATOR_TRUST_PROXY: 'maybe' }).message).to.match(/^INDIKATOR_TRUST_PROXY\b/);
    expect(configError({ INDIKATOR_HOST: 'localhost; rm' }).message).to.match(/^INDIKATOR_HOST\b/);
    expect(loadConfig({}).host).to.equal(undefined);
  });

  it('trusts a number of proxy hops or a list of proxy addresses, never every proxy', () => {
    expect(loadConfig({ INDIKATOR_TRUST_PROXY: '2' }).trustProxy).to.equal(2);
    expect(loadConfig({ INDIKATOR_TRUST_PROXY: 'off' }).trustProxy).to.equal(false);
    expect(loadConfig({ INDIKATOR_TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,loopback,::1' }).trustProxy).to.deep.equal(['10.0.0.5', '10.1.0.0/16', 'loopback', '::1']);
    for (const all of ['true', 'yes', 'on', '*', '0.0.0.0/0', '::/0', '10.0.0.300', '10.0.0.0/8/1']) {
      expect(configError({ INDIKATOR_TRUST_PROXY: all }).message, all).to.match(/^INDIKATOR_TRUST_PROXY: give the number of proxies/);
    }
  });

  it('ignores unrelated variables', () => {
    expect(loadConfig({ HOME: '/root', NODE_ENV: 'test' }).port).to.equal(3000);
  });

  it('asks a second factor of admins unless turned off', () => {
    expect(loadConfig({}).adminTwoFactor).to.equal(true);
    expect(loadConfig({ INDIKATOR_ADMIN_TWO_FACTOR: 'off' }).adminTwoFactor).to.equal(false);
  });

  it('reads each OpenID Connect provider, its secret from the variable or a file', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'indikator-config-')), 'secret');
    fs.writeFileSync(file, 'hemligheten-ur-filen\n');
    const config = loadConfig({
      INDIKATOR_OIDC_PROVIDERS: 'entra,freja',
      INDIKATOR_OIDC_ENTRA_ISSUER: 'https://login.microsoftonline.com/tenant/v2.0', INDIKATOR_OIDC_ENTRA_CLIENT_ID: 'abc', INDIKATOR_OIDC_ENTRA_CLIENT_SECRET: 's1',
      INDIKATOR_OIDC_ENTRA_NAME: 'Microsoft', INDIKATOR_OIDC_ENTRA_EMAIL_VERIFIED_CLAIM: 'xms_edov',
      INDIKATOR_OIDC_FREJA_ISSUER: 'https://broker.example/oidc', INDIKATOR_OIDC_FREJA_CLIENT_ID: 'def', INDIKATOR_OIDC_FREJA_CLIENT_SECRET_FILE: file, INDIKATOR_OIDC_FREJA_EMAIL_VERIFIED_CLAIM: 'none',
    });
    expect(config.oidcProviders).to.deep.equal([
      { id: 'entra', name: 'Microsoft', issuer: 'https://login.microsoftonline.com/tenant/v2.0', clientId: 'abc', clientSecret: 's1', emailClaim: 'email', verifiedClaim: 'xms_edov' },
      { id: 'freja', name: 'freja', issuer: 'https://broker.example/oidc', clientId: 'def', clientSecret: 'hemligheten-ur-filen', emailClaim: 'email', verifiedClaim: null },
    ]);
    expect(loadConfig({}).oidcProviders).to.deep.equal([]);
  });

  it('refuses a provider without its settings, or with plain http to another machine, in one line', () => {
    expect(configError({ INDIKATOR_OIDC_PROVIDERS: 'entra' }).message).to.match(/^INDIKATOR_OIDC_ENTRA_ISSUER: required/);
    const base = { INDIKATOR_OIDC_PROVIDERS: 'entra', INDIKATOR_OIDC_ENTRA_CLIENT_ID: 'abc', INDIKATOR_OIDC_ENTRA_CLIENT_SECRET: 's1' };
    expect(configError({ ...base, INDIKATOR_OIDC_ENTRA_ISSUER: 'http://idp.example' }).message).to.match(/^INDIKATOR_OIDC_ENTRA_ISSUER: must be https/);
    expect(loadConfig({ ...base, INDIKATOR_OIDC_ENTRA_ISSUER: 'http://127.0.0.1:4000' }).oidcProviders[0]!.issuer).to.equal('http://127.0.0.1:4000');
    expect(configError({ ...base, INDIKATOR_OIDC_ENTRA_ISSUER: 'https://idp.example', INDIKATOR_OIDC_ENTRA_CLIENT_SECRET: '' }).message).to.match(/CLIENT_SECRET_FILE: required/);
    expect(configError({ ...base, INDIKATOR_OIDC_ENTRA_ISSUER: 'https://idp.example', INDIKATOR_OIDC_ENTRA_CLIENT_SECRET_FILE: '/no/such/file' }).message).to.match(/cannot read/);
    expect(configError({ INDIKATOR_OIDC_PROVIDERS: 'Entra ID' }).message).to.match(/^INDIKATOR_OIDC_PROVIDERS/);
  });
});
