// The app's mail (invitations, password resets), the one place that sends any: through the SMTP
// server of INDIKATOR_SMTP_URL with nodemailer, from INDIKATOR_MAIL_FROM. With no server
// configured, nothing is sent and the caller shows the link to pass on instead. A failed send is
// one log line (never the link: it is a secret) and `false`, so the page can say so.

import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from './config.js';

export interface Mail { to: string; subject: string; text: string }

const transports = new Map<string, Transporter>();

/** Whether the installation sends mail. */
export const mailConfigured = (config: Config): boolean => config.smtpUrl !== null;

export async function sendMail(config: Config, mail: Mail): Promise<boolean> {
  if (config.smtpUrl === null) return false;
  let transport = transports.get(config.smtpUrl);
  if (!transport) transports.set(config.smtpUrl, (transport = nodemailer.createTransport(config.smtpUrl)));
  try {
    await transport.sendMail({ from: config.mailFrom, to: mail.to, subject: mail.subject, text: mail.text });
    return true;
  } catch (err) {
    console.error(`Indikator: mail to ${mail.to.replace(/^[^@]*/, '…')} not sent: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}
