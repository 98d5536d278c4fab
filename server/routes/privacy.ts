import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { Problem } from '../problem.js';
import { authorize, principalOf } from '../security/auth.js';
import { auditTarget } from '../domain/auditEvent.js';
import { audit } from '../security/audit.js';
import { getParticipant } from '../storage/participants.js';
import { erasureCounts, eraseParticipant, participantExport } from '../storage/privacy.js';
import { idParam, parseForm } from '../forms/form.js';
import { confirmForm } from '../forms/schemas.js';

const BASE = '/f/:fid/interventions/:iid/participants/:pid';

/** A förbund admin answers a participant's GDPR request: a copy of their data (right of access), or erasure. */
export function privacyRoutes(ctx: AppContext): Router {
  const router = Router();
  const privacy = authorize(ctx, 'participants.privacy');
  const db = ctx.db;

  /** The participant of :pid, of the intervention `authorize` loaded, with the intervention's base path. */
  function scope(req: Request, res: Response) {
    const federation = res.locals.federation;
    const intervention = res.locals.intervention;
    const participant = getParticipant(db, idParam(req.params.pid));
    if (!participant || participant.interventionId !== intervention.id) throw new Problem('notFound');
    return { federation, intervention, participant, base: `/f/${federation.id}/interventions/${intervention.id}` };
  }

  function renderConfirm(req: Request, res: Response, confirmMissing = false): void {
    const s = scope(req, res);
    res.status(confirmMissing ? 422 : 200).render('participants/erase', { ...s, counts: erasureCounts(db, s.participant.id), confirmMissing });
  }

  router.get(`${BASE}/erase`, privacy, (req, res) => renderConfirm(req, res));

  router.post(`${BASE}/erase`, privacy, (req, res) => {
    if (!parseForm(confirmForm, req.body).ok) return renderConfirm(req, res, true);
    const { federation, intervention, participant, base } = scope(req, res);
    const counts = eraseParticipant(db, participant.id, { userId: principalOf(req).userId, ip: req.ip });
    if (!counts) throw new Problem('notFound');
    res.render('participants/erased', { federation, intervention, base, pseudonym: participant.pseudonym, counts });
  });

  router.get(`${BASE}/export.json`, privacy, (req, res) => {
    const { federation, intervention, participant } = scope(req, res);
    const data = participantExport(db, participant.id)!;
    audit(ctx, req, { action: 'participant.export', federationId: federation.id, target: auditTarget.participant(participant.pseudonym), detail: { responses: data.responses.length } });
    res.set('Cache-Control', 'no-store');
    res.attachment(`${participant.pseudonym}.json`);
    res.json({ exportedAt: new Date().toISOString(), federation: federation.name, intervention: intervention.name, ...data });
  });

  return router;
}
