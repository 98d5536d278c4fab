import { randomInt } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import type { AppContext } from '../context.js';
import { CODE_ALPHABET } from '../domain/accessCode.js';
import { enrolTotp, takeTotpStep, totpOf, useRecoveryCode } from '../storage/secondFactor.js';
import { isAdministrator, type Principal } from './access.js';

// TOTP (RFC 6238: six digits, 30-second steps, SHA-1 as every authenticator app reads it) and
// recovery codes for password accounts.

/** A code from the step before or after this one still counts (a clock 30 s off, a code typed as it changed). */
const TOLERANCE_SECONDS = 30;
export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_CODE_LENGTH = 16;

/** Whether this person must give a second factor after their password. */
export function secondFactorRequired(ctx: AppContext, p: Principal): boolean {
  return ctx.config.adminTwoFactor && isAdministrator(p);
}

export const newTotpSecret = (): string => generateSecret();

/** What the enrolment page shows: the secret (grouped to type by hand) and its QR code as SVG. */
export async function enrolmentOf(secret: string, email: string): Promise<{ secretGroups: string; qrSvg: string }> {
  const uri = generateURI({ issuer: 'Indikator', label: email, secret });
  return { secretGroups: secret.replace(/(.{4})/g, '$1 ').trim(), qrSvg: await QRCode.toString(uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' }) };
}

/** What was typed, as six digits (spaces taken out), or null when it is no TOTP code. */
const asTotpCode = (typed: string): string | null => {
  const digits = typed.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
};

/** A recovery code as stored: upper case, without the dashes it is shown with. */
const asRecoveryCode = (typed: string): string => typed.replace(/[\s-]/g, '').toUpperCase();

/** The time step a code of this secret matches now, or null. `after`: steps up to it are refused (a code used already). */
export async function matchTotp(secret: string, typed: string, after?: number): Promise<number | null> {
  const token = asTotpCode(typed);
  if (!token) return null;
  const result = await verify({ secret, token, epochTolerance: TOLERANCE_SECONDS, ...(after === undefined ? {} : { afterTimeStep: after }) });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

/**
 * Checks a second factor typed at sign-in: a TOTP code of a step after the last one taken (each
 * code works once), or an unused recovery code (used up by this). Says which it was, or null.
 */
export async function checkSecondFactor(ctx: AppContext, userId: number, typed: string): Promise<'totp' | 'recoveryCode' | null> {
  const totp = totpOf(ctx.db, userId);
  if (!totp) return null;
  if (asTotpCode(typed)) {
    const step = await matchTotp(totp.secret, typed, totp.lastStep);
    return step !== null && takeTotpStep(ctx.db, userId, step) ? 'totp' : null;
  }
  const code = asRecoveryCode(typed);
  return code.length === RECOVERY_CODE_LENGTH && useRecoveryCode(ctx.db, userId, code) ? 'recoveryCode' : null;
}

/** New recovery codes, shown once as XXXX-XXXX-XXXX-XXXX (the alphabet of access codes: no 0/O, 1/I/L). */
function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => Array.from({ length: RECOVERY_CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join(''));
}

export const formatRecoveryCode = (code: string): string => code.replace(/(.{4})(?!$)/g, '$1-');

/** Stores a confirmed secret (the step of the code that confirmed it is taken) and new recovery codes; returns the codes to show once. */
export function enrolSecondFactor(ctx: AppContext, userId: number, secret: string, step: number): string[] {
  const codes = newRecoveryCodes();
  enrolTotp(ctx.db, userId, secret, step, codes);
  return codes.map(formatRecoveryCode);
}
