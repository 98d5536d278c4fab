import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { auditTarget } from '../domain/auditEvent.js';
import { languageName } from '../domain/languages.js';
import { idParam, parseForm, type FormSchema } from '../forms/form.js';
import { translator } from '../i18n/index.js';
import { Problem } from '../problem.js';
import { auditedWrite } from '../security/audit.js';
import { participantNotice } from '../services/participantNotice.js';
import { authorize } from '../security/auth.js';
import { federationTexts, setFederationTexts } from '../storage/federationTexts.js';
import { getFederation, type Federation } from '../storage/federations.js';

const TEXT_MAX = 8000;

/**
 * A förbund's privacy notice (GDPR art. 13) and contact for its participants, per language of its
 * questionnaires: the admin writes them (an empty one is the default text), participants read them
 * at /privacy/<förbund> from the questionnaire's first page. The accessibility statement is the
 * installation's, with the förbund's contact when reached from its pages.
 */
export function federationTextRoutes(ctx: AppContext): Router {
  const router = Router();
  const languages = [...new Set(ctx.instruments.list().flatMap((i) => i.languages))];
  const text = (maxLength: number) => ({ type: 'string', maxLength }) as const;
  const properties: Record<string, ReturnType<typeof text>> = Object.fromEntries(languages.flatMap((l) => [[`privacy_${l}`, text(TEXT_MAX)], [`contact_${l}`, text(1000)]]));
  // One field per language of the installed questionnaires, so the schema is built once here.
  const textsForm: FormSchema = { type: 'object', properties, additionalProperties: false };

  const renderForm = (res: Response, input: Record<string, unknown> | null, errors: { field: string; code: string }[], status = 200, saved = false) => {
    const federation = res.locals.federation;
    const own = { privacy: federationTexts(ctx.db, federation.id, 'privacy'), contact: federationTexts(ctx.db, federation.id, 'contact') };
    res.status(status).render('federation/texts', {
      languages: languages.map((code) => ({ code, name: languageName(code), defaultPrivacy: translator(code)('participantNotice.defaultPrivacy', { federation: federation.name }), defaultContact: translator(code)('participantNotice.defaultContact') })),
      value: (kind: 'privacy' | 'contact', lang: string) => (input ? (input[`${kind}_${lang}`] as string | undefined) ?? '' : own[kind].get(lang) ?? ''),
      errors, saved,
    });
  };

  router.get('/f/:fid/texts', authorize(ctx, 'federation.manage'), (req, res) => renderForm(res, null, [], 200, req.query.saved === '1'));

  router.post('/f/:fid/texts', authorize(ctx, 'federation.manage'), (req, res) => {
    const form = parseForm<FormSchema, Record<string, string | undefined>>(textsForm, req.body);
    if (!form.ok) return renderForm(res, form.input, form.errors.map((e) => ({ field: e.field, code: 'form.tooLong' })), 422);
    const federation = res.locals.federation;
    const of = (kind: string) => new Map(languages.map((l) => [l, form.value[`${kind}_${l}`] ?? '']));
    auditedWrite(ctx, req, () => {
      setFederationTexts(ctx.db, federation.id, 'privacy', of('privacy'));
      setFederationTexts(ctx.db, federation.id, 'contact', of('contact'));
    }, { action: 'federation.texts', federationId: federation.id, target: auditTarget.federation(federation.id) });
    res.redirect(303, `/f/${federation.id}/texts?saved=1`);
  });


  router.get('/privacy/:fid', (req: Request, res: Response) => {
    const federation = federationOf(ctx, req.params.fid);
    if (!federation) throw new Problem('notFound');
    res.render('public/privacy', { noticeFederation: federation, ...participantNotice(ctx, federation, res.locals.lang), back: typeof req.query.back === 'string' && /^\/s\/[A-Za-z0-9]{1,12}\/language$/.test(req.query.back) ? req.query.back : null });
  });

  return router;
}

const federationOf = (ctx: AppContext, raw: unknown): Federation | null =>
  (typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? getFederation(ctx.db, idParam(raw)) : undefined) ?? null;

/** The installation's accessibility statement (DOS law), linked from every page's footer; with a förbund's contact when reached from its pages. */
export function accessibilityRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/accessibility', (req, res) => {
    const federation = ctx.config.mode === 'local' ? federationOf(ctx, req.query.f) : null;
    res.render('public/accessibility', { noticeFederation: federation, contact: federation ? participantNotice(ctx, federation, res.locals.lang).contact : null });
  });
  return router;
}
