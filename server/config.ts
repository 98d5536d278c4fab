import { Ajv, type JSONSchemaType } from 'ajv';
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
  },
  required: ['PORT', 'INDIKATOR_DB', 'INDIKATOR_DEMO', 'INDIKATOR_SECURE_COOKIES', 'INDIKATOR_MODE'],
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
