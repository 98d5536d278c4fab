import express, { type NextFunction, type Request, type Response } from 'express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import type { AppContext } from './context.js';
import { PATHS } from './paths.js';
import { DEFAULT_TEXT_MAX } from './domain/answerForm.js';
import { Problem, RETRY_AFTER_SECONDS, storageFault, toProblem } from './problem.js';
import { viewLocals } from './render/viewLocals.js';
import { resultRoutes } from './routes/results.js';
import { responseExportRoutes } from './routes/responseExport.js';
import { freeTextRoutes } from './routes/freeText.js';
import { surveyRoutes } from './routes/survey.js';
import { authRoutes } from './routes/auth.js';
import { apiTokenRoutes } from './routes/apiTokens.js';
import { auditLogRoutes } from './routes/auditLog.js';
import { federationRoutes } from './routes/federation.js';
import { interventionSetupRoutes } from './routes/interventionSetup.js';
import { invitationRoutes } from './routes/invitations.js';
import { passwordResetRoutes } from './routes/passwordReset.js';
import { previewRoutes } from './routes/preview.js';
import { accessibilityRoutes, federationTextRoutes } from './routes/federationTexts.js';
import { memberRoutes } from './routes/members.js';
import { participantRoutes } from './routes/participants.js';
import { IMPORT_PATH, importBodyParser, importRoutes } from './routes/csvImport.js';
import { systemAdminRoutes } from './routes/systemAdmin.js';
import { ssoSettingRoutes } from './routes/sso.js';
import { apiRoutes } from './routes/api.js';
import { projectRoutes } from './routes/projects.js';
import { reportRoutes } from './routes/reports.js';
import { nationalBodyParser, nationalRoutes, SUBMISSIONS_PATH } from './routes/national.js';
import { nationalSubmissionRoutes } from './routes/nationalSubmission.js';
import { loadPrincipal, sessions } from './security/auth.js';
import { csrfProtection } from './security/csrf.js';
import { appSecret } from './storage/settings.js';

/** Builds the Express app without listening, so tests can start it on a random port. */
export function createApp(ctx: AppContext): express.Express {
  const app = express();
  app.set('view engine', 'ejs');
  app.set('views', PATHS.views);
  app.set('trust proxy', ctx.config.trustProxy);
  app.disable('x-powered-by');
  // The longest free-text answer unless an item says otherwise (domain/answerForm.ts), for the questionnaire's text boxes.
  app.locals.defaultTextMax = DEFAULT_TEXT_MAX;

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      strictTransportSecurity: ctx.config.secureCookies,
    }),
  );
  app.use('/static/vendor/chart.js', express.static(PATHS.chartJs, { maxAge: '7d', index: false }));
  app.use('/static', express.static(PATHS.public, { maxAge: '1h', index: false }));

  // Every page below may show personal data or answers: no browser or proxy keeps a copy.
  app.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  app.get('/healthz', (_req, res) => {
    ctx.db.prepare('SELECT 1').get();
    res.json({ status: 'ok' });
  });

  app.use(cookieParser());
  app.use(sessions(ctx, appSecret(ctx.db, 'session')));
  app.use(loadPrincipal(ctx));
  app.use(viewLocals(ctx.config.secureCookies));
  // The CSV import posts up to 2 MB: its parser runs before the 64 kB one below and before the CSRF
  // check, and only for those allowed to import there.
  const national = ctx.config.mode === 'national';
  if (national) app.use(SUBMISSIONS_PATH, nationalBodyParser());
  else app.use(IMPORT_PATH, importBodyParser(ctx));
  app.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 500 }));
  app.use(express.json({ limit: '256kb' }));
  if (!national) app.use('/api/v1', apiRoutes(ctx));
  app.use(csrfProtection({ secret: appSecret(ctx.db, 'csrf'), secureCookies: ctx.config.secureCookies }));

  // The pages; each router answers only its own paths, the rest fall through to 404. A national
  // installation has no förbund, participants or answers: only sign-in and the national report.
  const pages = national ? [nationalRoutes, authRoutes, passwordResetRoutes, accessibilityRoutes] : [
    authRoutes, passwordResetRoutes, accessibilityRoutes, federationTextRoutes, invitationRoutes, surveyRoutes, systemAdminRoutes, federationRoutes, ssoSettingRoutes, interventionSetupRoutes, memberRoutes, apiTokenRoutes, auditLogRoutes,
    participantRoutes, previewRoutes, importRoutes, resultRoutes, responseExportRoutes, freeTextRoutes, reportRoutes, projectRoutes, nationalSubmissionRoutes,
  ];
  for (const routes of pages) app.use(routes(ctx));

  app.use((_req, _res, next) => next(new Problem('notFound')));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const problem = toProblem(err);
    const fault = storageFault(err);
    if (fault) {
      // The database refused a write (locked, full, read-only): one line for the operator, and the
      // person is asked to try again shortly (a participant's page keeps its answers: routes/survey.ts).
      console.error(`Indikator: ${req.method} ${req.path} not done: the database ${ctx.db.name} ${fault.cause} (${fault.sqliteCode})`);
      res.set('Retry-After', String(RETRY_AFTER_SECONDS));
    } else if (problem.status >= 500) console.error(err);
    res.status(problem.status);
    if (req.path.startsWith('/api/')) res.json({ error: problem.code, message: res.locals.t?.(`errors.${problem.code}`) ?? problem.code });
    else {
      // A body refused before the CSRF middleware ran (e.g. 413) leaves no token: the page then shows no sign-out form.
      res.locals.csrfToken ??= null;
      res.render('error', { problem });
    }
  });
  return app;
}
