import { Router, type Response } from 'express';
import type { AppContext } from '../context.js';
import { Problem } from '../problem.js';
import { authorize, principalOf } from '../security/auth.js';
import { hashPassword, passwordProblem } from '../security/password.js';
import { createUser, FEDERATION_ROLES, findUserByEmail, grantRole, listFederationMembers, revokeRole } from '../storage/users.js';
import { type FormError, idParam, parseForm } from '../forms/form.js';
import { roleForm, userForm } from '../forms/schemas.js';
import { auditTarget } from '../domain/auditEvent.js';
import { auditedWrite } from '../security/audit.js';

const fid = (res: Response) => res.locals.federation.id;

/** A förbund admin gives people roles in the förbund, creating their account when it is new. */
export function memberRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/f/:fid/users', authorize(ctx, 'users.manage'), (_req, res) => {
    res.render('federation/users', { members: listFederationMembers(ctx.db, fid(res)), errors: [], input: {}, roles: FEDERATION_ROLES });
  });

  router.post('/f/:fid/users', authorize(ctx, 'users.manage'), async (req, res) => {
    const form = parseForm(userForm, req.body);
    const rerender = (errors: FormError[], input: Record<string, unknown>) =>
      res.status(422).render('federation/users', { members: listFederationMembers(ctx.db, fid(res)), errors, input, roles: FEDERATION_ROLES });
    if (!form.ok) return rerender(form.errors, form.input);
    const v = form.value;
    const user = findUserByEmail(ctx.db, v.email);
    if (!user) {
      if (!v.name) return rerender([{ field: 'name', code: 'form.required' }], { ...v, password: '' });
      const problem = passwordProblem(v.password ?? '', v.email);
      if (problem) return rerender([{ field: 'password', code: `password.${problem}` }], { ...v, password: '' });
    }
    const passwordHash = user ? null : await hashPassword(v.password!);
    auditedWrite(ctx, req, () => {
      const member = user ?? createUser(ctx.db, { email: v.email, name: v.name!, passwordHash: passwordHash! });
      grantRole(ctx.db, member.id, fid(res), v.role);
      return member;
    }, (member) => ({ action: 'role.grant', federationId: fid(res), target: auditTarget.user(member.id), detail: { role: v.role, created: !user } }));
    res.redirect(303, `/f/${fid(res)}/users`);
  });

  router.post('/f/:fid/users/:uid/revoke', authorize(ctx, 'users.manage'), (req, res) => {
    const form = parseForm(roleForm, req.body);
    if (!form.ok) throw new Problem('badRequest');
    const role = form.value.role;
    const uid = idParam(req.params.uid);
    if (uid === principalOf(req).userId && role === 'federation_admin') throw new Problem('forbidden', 'cannot remove own admin role');
    const revoked = auditedWrite(ctx, req, () => revokeRole(ctx.db, uid, fid(res), role),
      (done) => (done ? { action: 'role.revoke', federationId: fid(res), target: auditTarget.user(uid), detail: { role } } : null));
    if (!revoked) throw new Problem('notFound');
    res.redirect(303, `/f/${fid(res)}/users`);
  });


  return router;
}
