import { Router, type Request, type Response } from 'express';
import type { JSONSchemaType } from 'ajv';
import type { AppContext } from '../context.js';
import { EXIT_STATUSES } from '../domain/exitStatus.js';
import { TARGET_EXIT_STATUSES, type ProjectReportData } from '../domain/projectReport.js';
import type { Translate } from '../domain/report.js';
import { Problem } from '../problem.js';
import { authorizeProject, requireSystemAdmin } from '../security/auth.js';
import { writeAudit } from '../storage/audit.js';
import { listFederations } from '../storage/federations.js';
import { listInterventions } from '../storage/interventions.js';
import {
  addProjectMember, addProjectTarget, createProject, createSubproject, getProject, listProjectMembers, listProjects, listProjectSubprojects,
  listProjectTargets, removeProjectMember, removeProjectTarget, TARGET_KINDS, type Project, type TargetKind,
} from '../storage/projects.js';
import { findUserByEmail } from '../storage/users.js';
import { DATE_PATTERN, parseForm, type FormError } from './forms.js';
import { projectReport } from '../services/boardReport.js';
import { fileSlug, renderToString, reportHelpers, sendPdf } from './reportOutput.js';

interface ProjectForm { name: string; startsOn?: string; endsOn?: string }
const projectSchema: JSONSchemaType<ProjectForm> = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    startsOn: { type: 'string', pattern: DATE_PATTERN, nullable: true },
    endsOn: { type: 'string', pattern: DATE_PATTERN, nullable: true },
  },
  required: ['name'],
  additionalProperties: false,
};

interface SubprojectForm { federationId: number; name: string }
const subprojectSchema: JSONSchemaType<SubprojectForm> = {
  type: 'object',
  properties: { federationId: { type: 'integer' }, name: { type: 'string', minLength: 1, maxLength: 200 } },
  required: ['federationId', 'name'],
  additionalProperties: false,
};

interface TargetForm { label: string; kind: TargetKind; target: number; exitStatuses?: string[] }
const targetSchema: JSONSchemaType<TargetForm> = {
  type: 'object',
  properties: {
    label: { type: 'string', minLength: 1, maxLength: 200 },
    kind: { type: 'string', enum: [...TARGET_KINDS] },
    target: { type: 'integer', minimum: 1, maximum: 1_000_000 },
    exitStatuses: { type: 'array', items: { type: 'string', enum: [...EXIT_STATUSES] }, uniqueItems: true, nullable: true },
  },
  required: ['label', 'kind', 'target'],
  additionalProperties: false,
};

interface MemberForm { email: string }
const memberSchema: JSONSchemaType<MemberForm> = {
  type: 'object',
  properties: { email: { type: 'string', minLength: 3, maxLength: 200 } },
  required: ['email'],
  additionalProperties: false,
};

interface Forms { errors: FormError[]; input: Record<string, unknown>; form: string | null }
const NO_FORMS: Forms = { errors: [], input: {}, form: null };

/** Regional projects: the steering group reads progress and the report; system admins set projects up. */
export function projectRoutes(ctx: AppContext): Router {
  const router = Router();
  const read = authorizeProject(ctx);

  const audit = (req: Request, action: string, target: string) => writeAudit(ctx.db, { userId: req.principal!.userId, action, target, ip: req.ip });

  const reportLocals = (res: Response, report: ProjectReportData) => ({ report, ...reportHelpers(res), links: { project: `/projects/${report.project.id}`, report: `/projects/${report.project.id}/report`, pdf: `/projects/${report.project.id}/report.pdf` } });

  router.get('/projects/:pid', read, (req, res) => {
    const project = res.locals.project as Project;
    audit(req, 'project.view', `project ${project.id}`);
    res.render('projects/show', reportLocals(res, projectReport(ctx, project)));
  });

  router.get('/projects/:pid/report', read, (req, res) => {
    const project = res.locals.project as Project;
    audit(req, 'project.view', `project ${project.id} report`);
    res.render('projects/report', reportLocals(res, projectReport(ctx, project)));
  });

  router.get('/projects/:pid/report.pdf', read, async (req, res) => {
    const project = res.locals.project as Project;
    const t = res.locals.t as Translate;
    const html = await renderToString(res, 'projects/report', reportLocals(res, projectReport(ctx, project)));
    await sendPdf(res, html, { fileName: `${fileSlug(`${t('reports.fileNamePrefix')} ${project.name}`)}.pdf`, footerText: project.name });
    audit(req, 'project.pdf', `project ${project.id}`);
  });

  const adminProject = (req: Request): Project => {
    const pid = String(req.params.pid);
    const project = /^\d{1,12}$/.test(pid) ? getProject(ctx.db, Number(pid)) : undefined;
    if (!project) throw new Problem('notFound');
    return project;
  };

  router.get('/admin/projects', requireSystemAdmin, (_req, res) => res.render('admin/projects', { projects: listProjects(ctx.db), errors: [], input: {} }));

  router.post('/admin/projects', requireSystemAdmin, (req, res) => {
    const form = parseForm(projectSchema, req.body);
    const errors: FormError[] = form.ok ? (form.value.startsOn && form.value.endsOn && form.value.startsOn > form.value.endsOn ? [{ field: 'endsOn', code: 'form.endBeforeStart' }] : []) : form.errors;
    if (!form.ok || errors.length) return void res.status(422).render('admin/projects', { projects: listProjects(ctx.db), errors, input: form.ok ? form.value : form.input });
    const project = createProject(ctx.db, form.value);
    audit(req, 'project.create', `project ${project.id}`);
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
    });
  };

  router.get('/admin/projects/:pid', requireSystemAdmin, (req, res) => renderAdmin(res, adminProject(req)));

  router.post('/admin/projects/:pid/subprojects', requireSystemAdmin, (req, res) => {
    const project = adminProject(req);
    const form = parseForm(subprojectSchema, req.body);
    const errors = form.ok ? (listFederations(ctx.db).some((f) => f.id === form.value.federationId) ? [] : [{ field: 'federationId', code: 'form.invalid' }]) : form.errors;
    if (!form.ok || errors.length) return renderAdmin(res, project, { errors, input: form.ok ? { ...form.value } : form.input, form: 'subproject' }, 422);
    const sub = createSubproject(ctx.db, { projectId: project.id, ...form.value });
    audit(req, 'project.subproject.create', `subproject ${sub.id}`);
    res.redirect(303, `/admin/projects/${project.id}`);
  });

  router.post('/admin/projects/:pid/targets', requireSystemAdmin, (req, res) => {
    const project = adminProject(req);
    const form = parseForm(targetSchema, req.body);
    const errors = form.ok ? (form.value.kind === 'custom' && !form.value.exitStatuses?.length ? [{ field: 'exitStatuses', code: 'form.required' }] : []) : form.errors;
    if (!form.ok || errors.length) return renderAdmin(res, project, { errors, input: form.ok ? { ...form.value } : form.input, form: 'target' }, 422);
    const v = form.value;
    addProjectTarget(ctx.db, { projectId: project.id, label: v.label, kind: v.kind, target: v.target, exitStatuses: v.kind === 'custom' ? v.exitStatuses! : null });
    audit(req, 'project.target.create', `project ${project.id}`);
    res.redirect(303, `/admin/projects/${project.id}`);
  });

  router.post('/admin/projects/:pid/targets/:targetId/remove', requireSystemAdmin, (req, res) => {
    const project = adminProject(req);
    if (!removeProjectTarget(ctx.db, project.id, Number(req.params.targetId))) throw new Problem('notFound');
    audit(req, 'project.target.remove', `project ${project.id}`);
    res.redirect(303, `/admin/projects/${project.id}`);
  });

  router.post('/admin/projects/:pid/members', requireSystemAdmin, (req, res) => {
    const project = adminProject(req);
    const form = parseForm(memberSchema, req.body);
    const user = form.ok ? findUserByEmail(ctx.db, form.value.email) : undefined;
    if (!user) return renderAdmin(res, project, { errors: [{ field: 'email', code: form.ok ? 'projects.memberUnknown' : 'form.required' }], input: form.ok ? { ...form.value } : form.input, form: 'member' }, 422);
    addProjectMember(ctx.db, project.id, user.id);
    audit(req, 'project.member.add', `user ${user.id}`);
    res.redirect(303, `/admin/projects/${project.id}`);
  });

  router.post('/admin/projects/:pid/members/:uid/remove', requireSystemAdmin, (req, res) => {
    const project = adminProject(req);
    removeProjectMember(ctx.db, project.id, Number(req.params.uid));
    audit(req, 'project.member.remove', `user ${req.params.uid}`);
    res.redirect(303, `/admin/projects/${project.id}`);
  });

  return router;
}
