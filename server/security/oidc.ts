import * as client from 'openid-client';
import type { OidcProvider } from '../config.js';

// OpenID Connect sign-in with openid-client: discovery, the authorization code flow with PKCE
// (S256), state and nonce, the ID token's signature (the provider's JWKS), issuer, audience,
// expiry and nonce checked by the library.

/** Why a sign-in at a provider did not work: it could not be reached, or its answer was refused. */
export class SsoError extends Error {
  constructor(readonly reason: 'unavailable' | 'refused', cause: unknown) {
    // For the log: the library's message and what is below it — the check's own ("unexpected JWT
    // "exp" …" under "JWT timestamp claim value failed validation"), or the provider's error code.
    const below = (cause as { error?: unknown; cause?: unknown } | null)?.error ?? (cause as { cause?: unknown } | null)?.cause;
    const inner = typeof below === 'string' ? ` (${below})` : below instanceof Error ? ` (${below.message})` : '';
    super(`${reason}: ${cause instanceof Error ? cause.message : String(cause)}${inner}`, { cause });
  }
}

const DISCOVERY_TTL_MS = 60 * 60 * 1000;
const cache = new WeakMap<OidcProvider, { config: client.Configuration; at: number }>();

/** A provider's metadata and keys, discovered at first use and again after an hour (a failure is not kept). */
async function configurationOf(provider: OidcProvider): Promise<client.Configuration> {
  const cached = cache.get(provider);
  if (cached && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.config;
  const url = new URL(provider.issuer);
  // Plain HTTP only to a provider on this machine (config.ts refuses it elsewhere).
  const execute = [client.enableNonRepudiationChecks, ...(url.protocol === 'http:' ? [client.allowInsecureRequests] : [])];
  try {
    const config = await client.discovery(url, provider.clientId, undefined, client.ClientSecretBasic(provider.clientSecret), { execute, timeout: 10 });
    cache.set(provider, { config, at: Date.now() });
    return config;
  } catch (err) {
    throw new SsoError('unavailable', err);
  }
}

export interface AuthorizationRequest { url: string; state: string; nonce: string; verifier: string }

/** Where to send the browser, and what the answer must match (kept in the session). */
export async function beginSignIn(provider: OidcProvider, redirectUri: string): Promise<AuthorizationRequest> {
  const config = await configurationOf(provider);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri, scope: 'openid email profile', response_type: 'code',
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, nonce,
  });
  return { url: url.href, state, nonce, verifier };
}

/** No answer, or one that is no answer at all (a provider's 5xx): the provider is down, not the sign-in wrong. */
function unreachable(err: unknown): boolean {
  if (err instanceof TypeError || (err instanceof DOMException && (err.name === 'TimeoutError' || err.name === 'AbortError'))) return true;
  const status = (err as { cause?: { status?: unknown } }).cause?.status;
  return err instanceof client.ClientError && typeof status === 'number' && status >= 500;
}

/** The ID token's claims of the provider's answer at the callback URL, every check passed. */
export async function finishSignIn(provider: OidcProvider, callbackUrl: URL, expected: { state: string; nonce: string; verifier: string }): Promise<client.IDToken> {
  const config = await configurationOf(provider);
  try {
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: expected.verifier, expectedState: expected.state, expectedNonce: expected.nonce, idTokenExpected: true });
    const claims = tokens.claims();
    if (!claims) throw new Error('no ID token');
    return claims;
  } catch (err) {
    throw new SsoError(unreachable(err) ? 'unavailable' : 'refused', err);
  }
}

/** The provider's end-session URL (RP-initiated logout), when it has one. */
export async function endSessionUrl(provider: OidcProvider, postLogoutRedirectUri: string): Promise<string | null> {
  try {
    const config = await configurationOf(provider);
    if (!config.serverMetadata().end_session_endpoint) return null;
    return client.buildEndSessionUrl(config, { client_id: provider.clientId, post_logout_redirect_uri: postLogoutRedirectUri }).href;
  } catch {
    return null;
  }
}
