import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { EXIT_STATUSES } from '../domain/exitStatus.js';
import { TARGET_EXIT_STATUSES, type ProjectReportData } from '../domain/projectReport.js';
import { Problem } from '../problem.js';
import { authorizeProject, requireSystemAdmin } from '../security/auth.js';
import { auditTarget } from '../domain/auditEvent.js';
import { audit, auditedWrite } from '../security/audit.js';
import { listFederations } from '../storage/federations.js';
import { listInterventions } from '../storage/interventions.js';
import {
  addProjectMember, addProjectTarget, createProject, createSubproject, getProject, listProjectMembers, listProjects, listProjectSubprojects,
  listProjectTargets, removeProjectMember, removeProjectTarget, TARGET_KINDS, type Project,
} from '../storage/projects.js';
import { findUserByEmail } from '../storage/users.js';
import { endNotBeforeStart, type FormError, idParam, oneOf, parseForm } from '../forms/form.js';
import { customTargetHasStatuses, memberForm, projectForm, subprojectForm, targetForm } from '../forms/schemas.js';
import { projectReport } from '../services/boardReport.js';
import { fileSlug, renderToString, reportHelpers, sendPdf } from '../render/reportOutput.js';

interface Forms { errors: FormError[]; input: Record<string, unknown>; form: string | null }
const NO_FORMS: Forms = { errors: [], input: {}, form: null };

/** Regional projects: the steering group reads progress and the report; system admins set projects up. */
export function projectRoutes(ctx: AppContext): Router {
  const router = Router();
  const read = authorizeProject(ctx);

  const reportLocals = (res: Response, report: ProjectReportData) => ({ report, ...reportHelpers(res), links: { project: `/projects/${report.project.id}`, report: `/projects/${report.project.id}/report`, pdf: `/projects/${report.project.id}/report.pdf` } });

  router.get('/projects/:pid', read, (req, res) => {
    const project = res.locals.project;
    audit(ctx, req, { action: 'project.view', target: auditTarget.project(project.id) });
    res.render('projects/show', reportLocals(res, projectReport(ctx, project)));
  });

  router.get('/projects/:pid/report', read, (req, res) => {
    const project = res.locals.project;
    audit(ctx, req, { action: 'project.view', target: auditTarget.project(project.id), detail: { page: 'report' } });
    res.render('projects/report', reportLocals(res, projectReport(ctx, project)));
  });

  router.get('/projects/:pid/report.pdf', read, async (req, res) => {
    const project = res.locals.project;
    const t = res.locals.t;
    const html = await renderToString(res, 'projects/report', reportLocals(res, projectReport(ctx, project)));
    await sendPdf(res, html, { fileName: `${fileSlug(`${t('reports.fileNamePrefix')} ${project.name}`)}.pdf`, footerText: project.name });
    audit(ctx, req, { action: 'project.pdf', target: auditTarget.project(project.id) });
  });

  const adminProject = (req: Request): Project => {
    const project = getProject(ctx.db, idParam(req.params.pid));
    if (!project) throw new Problem('notFound');
    return project;
  };

  router.get('/admin/projects', requireSystemAdmin, (_req, res) => res.render('admin/projects', { projects: listProjects(ctx.db), errors: [], input: {} }));

  router.post('/admin/projects', requireSystemAdmin, (req, res) => {
    const form = parseForm(projectForm, req.body, [endNotBeforeStart]);
    if (!form.ok) return void res.status(422).render('admin/projects', { projects: listProjects(ctx.db), errors: form.errors, input: form.input });
    const project = auditedWrite(ctx, req, () => createProject(ctx.db, form.value), (p) => ({ action: 'project.create', target: auditTarget.project(p.id) }));
    res.redirect(303, `/admin/projects/${project.id}`);
  });

  const renderAdmin = (res: Response, project: Project, forms: Forms = NO_FORMS, status = 200) => {
    const subprojects = listProjectSubprojects(ctx.db, project.id);
    const names = new Map(listInterventions(ctx.db).map((i) => [i.id, i.name]));
    res.status(status).render('admin/project', {
      project, ...forms,
      subprojects: subprojects.map((s) => ({ ...s, interventionNames: s.interventionIds.map((id) => names.get(id) ?? String(id)) })),
      targets: listProjectTargets(ctx.db, project.id),
      members: listProjectMembers(ctx.db, project.id),
      federations: listFederations(ctx.db),
      exitStatuses: EXIT_STATUSES,
      targetStatuses: TARGET_EXIT_STATUSES,
      targetKinds: TARGET_KINDS,
      defaultTargetKind: TARGET_KINDS[0],
    });
  };

  router.get('/admin/projects/:pid', requireSystemAdmin, (req, res) => renderAdmin(res, adminProject(req)));

  router.post('/admin/projects/:pid/subprojects', requireSystemAdmin, (req, res) => {
    const project = adminProject(req);
    const form = parseForm(subprojectForm, req.body, [oneOf('federationId', listFederations(ctx.db).map((f) => f.id))]);
    if (!form.ok) return renderAdmin(res, project, { errors: form.errors, input: form.input, form: 'subproject' }, 422);
    auditedWrite(ctx, req, () => createSubproject(ctx.db, { projectId: project.id, ...form.value }),
      (sub) => ({ action: 'project.subproject.create', federationId: sub.federationId, target: auditTarget.subproject(sub.id), detail: { project: project.id } }));
    res.redirect(303, `/admin/projects/${project.id}`);
  });

  router.post('/admin/projects/:pid/targets', requireSystemAdmin, (req, res) => {
    const project = adminProject(req);
    const form = parseForm(targetForm, req.body, [customTargetHasStatuses]);
    if (!form.ok) return renderAdmin(res, project, { errors: form.errors, input: form.input, form: 'target' }, 422);
    const v = form.value;
    auditedWrite(ctx, req, () => addProjectTarget(ctx.db, { projectId: project.id, label: v.label, kind: v.kind, target: v.target, exitStatuses: v.kind === 'custom' ? v.exitStatuses! : null }),
      { action: 'project.target.create', target: auditTarget.project(project.id), detail: { label: v.label } });
    res.redirect(303, `/admin/projects/${project.id}`);
  });

  router.post('/admin/projects/:pid/targets/:targetId/remove', requireSystemAdmin, (req, res) => {
    const project = adminProject(req);
    const targetId = idParam(req.params.targetId);
    const removed = auditedWrite(ctx, req, () => removeProjectTarget(ctx.db, project.id, targetId),
      (done) => (done ? { action: 'project.target.remove', target: auditTarget.project(project.id), detail: { targetId } } : null));
    if (!removed) throw new Problem('notFound');
    res.redirect(303, `/admin/projects/${project.id}`);
  });

  router.post('/admin/projects/:pid/members', requireSystemAdmin, (req, res) => {
    const project = adminProject(req);
    const form = parseForm(memberForm, req.body, [(v) => (findUserByEmail(ctx.db, v.email) ? null : { field: 'email', code: 'projects.memberUnknown' })]);
    if (!form.ok) return renderAdmin(res, project, { errors: form.errors, input: form.input, form: 'member' }, 422);
    const user = findUserByEmail(ctx.db, form.value.email)!;
    auditedWrite(ctx, req, () => addProjectMember(ctx.db, project.id, user.id), { action: 'project.member.add', target: auditTarget.user(user.id), detail: { project: project.id } });
    res.redirect(303, `/admin/projects/${project.id}`);
  });

  router.post('/admin/projects/:pid/members/:uid/remove', requireSystemAdmin, (req, res) => {
    const project = adminProject(req);
    const uid = idParam(req.params.uid);
    const removed = auditedWrite(ctx, req, () => removeProjectMember(ctx.db, project.id, uid),
      (done) => (done ? { action: 'project.member.remove', target: auditTarget.user(uid), detail: { project: project.id } } : null));
    if (!removed) throw new Problem('notFound');
    res.redirect(303, `/admin/projects/${project.id}`);
  });

  return router;
}
