import type { AppContext } from '../context.js';
import { paragraphs } from '../domain/participantNotice.js';
import { translator } from '../i18n/index.js';
import { federationTexts } from '../storage/federationTexts.js';
import type { Federation } from '../storage/federations.js';

/**
 * The texts a participant is shown before answering, in their language: the förbund's privacy
 * notice (its own in that language, else the default naming the förbund) and whom to contact (its
 * own in that language, else in Swedish, else the default). One place for the notice page, the
 * accessibility statement and the questionnaire's first page.
 */
export function participantNotice(ctx: AppContext, federation: Federation, lang: string): { privacy: string[]; contact: string[] } {
  const t = translator(lang);
  const privacy = federationTexts(ctx.db, federation.id, 'privacy').get(lang) ?? t('participantNotice.defaultPrivacy', { federation: federation.name });
  const contacts = federationTexts(ctx.db, federation.id, 'contact');
  const contact = contacts.get(lang) ?? contacts.get('sv') ?? t('participantNotice.defaultContact');
  return { privacy: paragraphs(privacy), contact: paragraphs(contact) };
}
