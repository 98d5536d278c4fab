import { Ajv, type JSONSchemaType } from 'ajv';
import fs from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { ROOT } from './paths.js';

export interface Config {
  port: number;
  dbFile: string;
  demo: boolean;
  /** The address to listen on (INDIKATOR_HOST, e.g. 127.0.0.1 behind a local proxy); unset: every interface. */
  host: string | undefined;
  /** Base URL printed on code slips and QR codes. */
  publicUrl: string;
  /** Marks cookies Secure; on whenever the app is served over HTTPS (behind a proxy). */
  secureCookies: boolean;
  /**
   * Which proxies in front may tell the client's address (X-Forwarded-For): none, the nearest
   * n hops, or these addresses/subnets (Express's "trust proxy"). Never every one: a client could
   * then pick its address per request and pass every rate limit.
   */
  trustProxy: false | number | string[];
  /**
   * What the installation is: a förbund's (or a regional host's) with its participants and
   * answers, or NNS's national one, which only receives the förbund's yearly submission files.
   */
  mode: 'local' | 'national';
  /** Mail (invitations, password resets) through this SMTP server (smtp:// or smtps://, user and password in the URL); null: no mail, links are shown instead. */
  smtpUrl: string | null;
  /** The sender of the app's mail. */
  mailFrom: string;
  /** System and förbund admins who sign in with a password must give a second factor (TOTP) too. */
  adminTwoFactor: boolean;
  /** The OpenID Connect providers staff may sign in with, in the order of the login page's buttons. */
  oidcProviders: OidcProvider[];
}

/** One OpenID Connect provider (INDIKATOR_OIDC_<ID>_*): Entra ID, an e-ID broker, a test provider. */
export interface OidcProvider {
  /** Lower case, in the callback path /login/oidc/<id>/callback. */
  id: string;
  /** On the login page's button: "Logga in med <name>". */
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The ID token claim that holds the e-mail address (`email`; Entra ID may need `preferred_username`). */
  emailClaim: string;
  /** The claim that must be true for the address to be trusted (`email_verified`), or null when the provider only ever gives addresses it has verified. */
  verifiedClaim: string | null;
}

interface RawEnv {
  PORT: number;
  INDIKATOR_DB: string;
  INDIKATOR_DEMO: boolean;
  INDIKATOR_PUBLIC_URL?: string;
  INDIKATOR_SECURE_COOKIES: boolean;
  INDIKATOR_TRUST_PROXY?: string;
  INDIKATOR_HOST?: string;
  INDIKATOR_MODE: 'local' | 'national';
  INDIKATOR_SMTP_URL?: string;
  INDIKATOR_MAIL_FROM?: string;
  INDIKATOR_ADMIN_TWO_FACTOR: boolean;
  INDIKATOR_OIDC_PROVIDERS?: string;
}

const schema: JSONSchemaType<RawEnv> = {
  type: 'object',
  properties: {
    PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 3000 },
    INDIKATOR_DB: { type: 'string', minLength: 1, default: 'data/indikator.sqlite' },
    INDIKATOR_DEMO: { type: 'boolean', default: true },
    INDIKATOR_PUBLIC_URL: { type: 'string', pattern: '^https?://[^\\s]+$', nullable: true },
    INDIKATOR_SECURE_COOKIES: { type: 'boolean', default: false },
    INDIKATOR_TRUST_PROXY: { type: 'string', nullable: true },
    INDIKATOR_HOST: { type: 'string', pattern: '^[0-9A-Za-z.:-]+$', nullable: true },
    INDIKATOR_MODE: { type: 'string', enum: ['local', 'national'], default: 'local' },
    INDIKATOR_SMTP_URL: { type: 'string', pattern: '^smtps?://[^\\s]+$', nullable: true },
    INDIKATOR_MAIL_FROM: { type: 'string', pattern: '^[^\\r\\n]{3,200}$', nullable: true },
    INDIKATOR_ADMIN_TWO_FACTOR: { type: 'boolean', default: true },
    INDIKATOR_OIDC_PROVIDERS: { type: 'string', pattern: '^[a-z][a-z0-9]{0,19}(,[a-z][a-z0-9]{0,19})*$', nullable: true },
  },
  required: ['PORT', 'INDIKATOR_DB', 'INDIKATOR_DEMO', 'INDIKATOR_SECURE_COOKIES', 'INDIKATOR_MODE', 'INDIKATOR_ADMIN_TWO_FACTOR'],
  additionalProperties: true,
};

const validate = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: false }).compile(schema);

export class ConfigError extends Error {}

const BOOLEAN_WORDS: Record<string, boolean> = { '1': true, true: true, yes: true, on: true, '0': false, false: false, no: false, off: false };

/** Reads the environment once; a bad value throws ConfigError with one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties as object)) {
    const value = env[key];
    if (value === undefined || value === '') continue;
    const isBoolean = (schema.properties as Record<string, { type: string }>)[key]?.type === 'boolean';
    if (isBoolean) {
      const word = BOOLEAN_WORDS[value.trim().toLowerCase()];
      if (word === undefined) throw new ConfigError(`${key}: expected one of 1/0, true/false, yes/no, on/off, got "${value}"`);
      raw[key] = word;
    } else {
      raw[key] = value;
    }
  }
  if (!validate(raw)) {
    const err = validate.errors?.[0];
    const name = err?.instancePath.replace(/^\//, '') || String(err?.params && 'missingProperty' in err.params ? err.params.missingProperty : 'environment');
    // A password in the SMTP URL is never printed.
    const got = (env[name] ?? '').replace(/\/\/[^@/\s]*@/, '//…@');
    throw new ConfigError(`${name}: ${err?.message ?? 'invalid'} (got "${got}")`);
  }
  const port = raw.PORT;
  return {
    port,
    host: raw.INDIKATOR_HOST,
    dbFile: path.resolve(ROOT, raw.INDIKATOR_DB),
    demo: raw.INDIKATOR_DEMO,
    publicUrl: (raw.INDIKATOR_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    secureCookies: raw.INDIKATOR_SECURE_COOKIES,
    trustProxy: trustedProxies(raw.INDIKATOR_TRUST_PROXY),
    mode: raw.INDIKATOR_MODE,
    smtpUrl: raw.INDIKATOR_SMTP_URL ?? null,
    mailFrom: raw.INDIKATOR_MAIL_FROM ?? 'Indikator <no-reply@localhost>',
    adminTwoFactor: raw.INDIKATOR_ADMIN_TWO_FACTOR,
    oidcProviders: (raw.INDIKATOR_OIDC_PROVIDERS ?? '').split(',').filter(Boolean).map((id) => oidcProvider(env, id)),
  };
}

/** A host where plain HTTP is allowed for an issuer: this machine (a test provider, development). */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** One provider's INDIKATOR_OIDC_<ID>_* variables; the client secret from the variable or from the file _CLIENT_SECRET_FILE names. */
function oidcProvider(env: NodeJS.ProcessEnv, id: string): OidcProvider {
  const prefix = `INDIKATOR_OIDC_${id.toUpperCase()}_`;
  const read = (name: string) => env[prefix + name]?.trim() || undefined;
  const required = (name: string) => read(name) ?? fail(`${prefix}${name}: required for the provider "${id}" named in INDIKATOR_OIDC_PROVIDERS`);
  const fail = (line: string): never => {
    throw new ConfigError(line);
  };
  const issuer = required('ISSUER');
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return fail(`${prefix}ISSUER: not a URL (got "${issuer}")`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname))) fail(`${prefix}ISSUER: must be https:// (plain http only on localhost) (got "${issuer}")`);
  const secretFile = read('CLIENT_SECRET_FILE');
  let clientSecret = read('CLIENT_SECRET');
  if (secretFile !== undefined) {
    try {
      clientSecret = fs.readFileSync(secretFile, 'utf8').trim();
    } catch {
      fail(`${prefix}CLIENT_SECRET_FILE: cannot read "${secretFile}"`);
    }
  }
  if (!clientSecret) fail(`${prefix}CLIENT_SECRET or ${prefix}CLIENT_SECRET_FILE: required for the provider "${id}"`);
  const claim = /^[A-Za-z_][A-Za-z0-9_.:-]{0,99}$/;
  const emailClaim = read('EMAIL_CLAIM') ?? 'email';
  const verified = read('EMAIL_VERIFIED_CLAIM') ?? 'email_verified';
  for (const [name, value] of [['EMAIL_CLAIM', emailClaim], ['EMAIL_VERIFIED_CLAIM', verified]] as const) if (!claim.test(value)) fail(`${prefix}${name}: not a claim name (got "${value}")`);
  return {
    id, name: read('NAME') ?? id, issuer, clientId: required('CLIENT_ID'), clientSecret: clientSecret!, emailClaim,
    verifiedClaim: verified === 'none' ? null : verified,
  };
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** INDIKATOR_TRUST_PROXY: unset or 0/false/no/off (none), a number of hops, or a comma-separated list of addresses, subnets and Express's names. */
function trustedProxies(text: string | undefined): false | number | string[] {
  const value = (text ?? '').trim().toLowerCase();
  if (value === '' || BOOLEAN_WORDS[value] === false) return false;
  if (/^\d{1,2}$/.test(value)) return Number(value);
  const entries = value.split(',').map((e) => e.trim()).filter(Boolean);
  const valid = (entry: string) => {
    if (PROXY_NAMES.has(entry)) return true;
    const [address, prefix, extra] = entry.split('/');
    const version = isIP(address ?? '');
    if (version === 0 || extra !== undefined) return false;
    // A prefix of 0 is every address: the same as trusting all.
    return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) >= 1 && Number(prefix) <= (version === 4 ? 32 : 128));
  };
  const wrong = entries.find((e) => !valid(e));
  if (wrong !== undefined || entries.length === 0) {
    throw new ConfigError(`INDIKATOR_TRUST_PROXY: give the number of proxies in front of the app (e.g. 1) or their addresses (e.g. 10.0.0.5,10.1.0.0/16), never "trust all" (got "${text ?? ''}")`);
  }
  return entries;
}
