import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from './config.js';
import { formatAccessCode } from './domain/accessCode.js';
import { loadInstruments } from './domain/instrument.js';
import { MEASUREMENT_POINTS, type MeasurementPoint } from './domain/instrumentTypes.js';
import { isCalendarDate } from './domain/calendarDate.js';
import { seedDemo } from './demo/seed.js';
import { PATHS } from './paths.js';
import { issueAccessCodes } from './storage/accessCodes.js';
import { migrate, openDatabase } from './storage/db.js';
import { getIntervention, getMeasurementPoint, listInterventions } from './storage/interventions.js';
import { hashPasswordSync, MIN_PASSWORD_LENGTH, passwordProblem } from './security/password.js';
import { createApiToken } from './storage/apiTokens.js';
import { backupDatabase, restoreDatabase } from './storage/backup.js';
import { applyRetention, retentionPlan, type RetentionPlan } from './storage/privacy.js';
import { auditTarget } from './domain/auditEvent.js';
import { writeAudit } from './storage/audit.js';
import { getFederation } from './storage/federations.js';
import { codebook, longRows, wideRows } from './domain/responseExport.js';
import { csvText } from './render/csv.js';
import { importErrorPlace, importErrorText } from './render/importErrors.js';
import { headerName, ImportRefused, UPLOAD_MAX_BYTES, type ColumnMapping, type ImportOutcome, type ImportPoint } from './domain/csvImport.js';
import { checkFile, fileColumnsOf, fileEncoding, importFile, importPoints, importSetting } from './services/csvImportFile.js';
import { checkMapping, unmappedColumns, type FileColumn } from './domain/importColumns.js';
import type { ImportResult } from './storage/csvImport.js';
import type { TFunction } from 'i18next';
import { translator } from './i18n/index.js';
import { exportVersions } from './services/interventionSummary.js';
import { exportedResponses } from './storage/responseExport.js';
import { submissionCsvRows } from './domain/nationalSubmission.js';
import { receiveSubmission } from './services/nationalReceipt.js';
import { nationalSubmission } from './services/nationalSubmission.js';
import { createUser, FEDERATION_ROLES, findUserByEmail, grantRole, type FederationRole } from './storage/users.js';

/** `npm run cli -- <command>`: what has no screen yet, and first start-up chores. */
const COMMANDS: Record<string, { usage: string; run: (args: string[]) => void | Promise<void> }> = {
  migrate: {
    usage: 'migrate',
    run: () => {
      const db = openDatabase(loadConfig().dbFile);
      const { applied } = migrate(db);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
    },
  },
  'seed-demo': {
    usage: 'seed-demo',
    run: () => {
      const db = openDatabase(loadConfig().dbFile);
      const demo = seedDemo(db, loadInstruments(PATHS.indicators));
      if (!demo) throw new CliError('the database already has data; demo data goes only into an empty database');
      console.log(`Seeded ${demo.participants} participants in interventions ${demo.interventionIds.join(', ')}.`);
      console.log(`Unused codes: ${demo.openCodes.map(formatAccessCode).join(' ')}`);
    },
  },
  'list-interventions': {
    usage: 'list-interventions',
    run: () => {
      const db = openDatabase(loadConfig().dbFile);
      for (const i of listInterventions(db)) console.log(`${i.id}\t${i.kind}\t${i.name}`);
    },
  },
  'create-user': {
    usage: 'create-user --email <e> --role <system_admin|national|federation_admin|staff|evaluator|board> [--federation <id>] [--name <n>]  (password on stdin)',
    run: (args) => {
      const { values } = parseArgs({ args, options: { email: { type: 'string' }, role: { type: 'string' }, federation: { type: 'string' }, name: { type: 'string' } } });
      const email = values.email ?? '';
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new CliError('--email must be an e-mail address');
      const role = values.role ?? '';
      // The installation-wide roles: the system admin, and NNS staff of a national installation.
      const isNational = role === 'national';
      const isSystem = role === 'system_admin' || isNational;
      if (!isSystem && !FEDERATION_ROLES.includes(role as FederationRole)) throw new CliError(`--role must be system_admin, national or one of ${FEDERATION_ROLES.join(', ')}`);
      const db = openDatabase(loadConfig().dbFile);
      const federationId = Number(values.federation);
      if (!isSystem && !getFederation(db, federationId)) throw new CliError('--federation must name an existing federation id for a federation role');
      let user = findUserByEmail(db, email);
      if (!user) {
        const password = readStdin();
        const problem = passwordProblem(password, email);
        if (problem) throw new CliError(`password on stdin: ${problem} (at least ${MIN_PASSWORD_LENGTH} characters, not a common password)`);
        user = createUser(db, { email, name: values.name ?? email, passwordHash: hashPasswordSync(password), isSystemAdmin: role === 'system_admin', isNational });
      } else if (isSystem) {
        throw new CliError('the user exists already');
      }
      if (!isSystem) grantRole(db, user.id, federationId, role as FederationRole);
      writeAudit(db, { actor: 'cli', federationId: isSystem ? null : federationId, action: 'role.grant', target: auditTarget.user(user.id), detail: { role } });
      console.log(`user ${user.id} ${email} ${role}`);
    },
  },
  export: {
    usage: 'export --intervention <id> [--layout wide|long] [--excel] [--free-text] [--codebook] [--out <file>]  (every submitted questionnaire, pseudonymous; the codebook as JSON)',
    run: (args) => {
      const { values } = parseArgs({ args, options: {
        intervention: { type: 'string' }, layout: { type: 'string' }, excel: { type: 'boolean' }, 'free-text': { type: 'boolean' }, codebook: { type: 'boolean' }, out: { type: 'string' },
      } });
      const layout = values.layout ?? 'wide';
      if (layout !== 'wide' && layout !== 'long') throw new CliError('--layout must be wide or long');
      const config = loadConfig();
      const db = openDatabase(config.dbFile);
      const intervention = getIntervention(db, Number(values.intervention));
      if (!intervention) throw new CliError('--intervention must name an existing intervention id');
      const versions = exportVersions({ db, instruments: loadInstruments(PATHS.indicators) }, intervention);
      if (!versions) throw new CliError(`intervention ${intervention.id} has no measurement point yet, so nothing to export`);
      const opts = { freeText: values['free-text'] ?? false };
      let text: string;
      if (values.codebook) text = `${JSON.stringify(codebook(versions, opts), null, 2)}\n`;
      else {
        const responses = exportedResponses(db, { interventionId: intervention.id });
        const rows = layout === 'wide' ? wideRows(versions, responses, opts) : longRows(versions, responses, opts);
        text = csvText(rows, values.excel ? 'excel-sv' : 'standard');
        writeAudit(db, { actor: 'cli', federationId: intervention.federationId, action: 'export.responses', target: auditTarget.export(values.out ? path.basename(values.out) : 'stdout'), detail: { layout, freeText: opts.freeText, responses: responses.length, rows: rows.length } });
      }
      if (values.out) fs.writeFileSync(values.out, text);
      else process.stdout.write(text);
    },
  },
  import: {
    usage: 'import --intervention <id> [--dry-run] [--lang sv|en] [--map "<column>=<item id or ->" …] <file.csv>  (earlier questionnaires, checked as on the import page; the errors and exit code 1 when the file has any; --map for each column not named as in the template, - to skip it)',
    run: async (args) => {
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { intervention: { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, lang: { type: 'string', default: 'sv' }, map: { type: 'string', multiple: true } } });
      const t = translator(values.lang);
      const [file, ...more] = positionals;
      if (!file || more.length > 0) throw new CliError('name one CSV file');
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new CliError(`there is no file ${file}`);
      if (fs.statSync(file).size > UPLOAD_MAX_BYTES) throw new CliError(t('import.errors.tooLarge', { max: UPLOAD_MAX_BYTES / 1024 / 1024 }));
      const db = openDatabase(loadConfig().dbFile);
      const intervention = getIntervention(db, Number(values.intervention));
      if (!intervention) throw new CliError('--intervention must name an existing intervention id (see list-interventions)');
      if (intervention.kind !== 'individual') throw new CliError(`intervention ${intervention.id} is a yearly questionnaire: it has no participants to import answers for`);
      const ctx = { db, instruments: loadInstruments(PATHS.indicators) };
      const encoding = fileEncoding(file);
      const mapping = cliColumnMapping(t, fileColumnsOf(file, encoding), importPoints(ctx, intervention.id), values.map ?? []);
      let outcome: ImportOutcome;
      let imported: ImportResult | null = null;
      if (values['dry-run']) outcome = await checkFile(file, encoding, importSetting(ctx, intervention), undefined, mapping);
      else {
        try {
          const done = await importFile(ctx, { intervention, userId: null, actor: { actor: 'cli' }, file, encoding, mapping });
          ({ outcome } = done);
          imported = done;
        } catch (err) {
          if (!(err instanceof ImportRefused)) throw err;
          outcome = err.outcome;
        }
      }
      for (const e of outcome.errors) console.error(`${importErrorPlace(t, e)}: ${importErrorText(t, e)}`);
      if (outcome.errorCount > outcome.errors.length) console.error(t('import.moreErrors', { count: outcome.errorCount - outcome.errors.length }));
      if (outcome.errorCount > 0) throw new CliError(`${outcome.errorCount} error(s) in ${file} (${encoding}); nothing was imported`);
      const s = outcome.summary;
      console.log(`${file} (${encoding}): ${s.rows} questionnaire(s); ${s.newParticipants} new participant(s), ${s.matchedParticipants} already in the intervention; ${s.inRound} in a measurement round; ${s.skipped} already imported (skipped)`);
      console.log(`  by point: ${s.byPoint.map((p) => `${p.point} ${p.responses}`).join(', ')}`);
      console.log(imported ? `Imported ${imported.responses} questionnaire(s), ${imported.participantsCreated} new participant(s).` : 'Dry run: nothing was changed.');
    },
  },
  'national-submission': {
    usage: 'national-submission --federation <id> --year <yyyy> [--csv] [--out <file>]  (the yearly file for the NNS national report: protected aggregates only)',
    run: (args) => {
      const { values } = parseArgs({ args, options: { federation: { type: 'string' }, year: { type: 'string' }, csv: { type: 'boolean', default: false }, out: { type: 'string' } } });
      const config = loadConfig();
      const db = openDatabase(config.dbFile);
      const federation = getFederation(db, Number(values.federation));
      if (!federation) throw new CliError('--federation must name an existing federation id');
      if (federation.organisationNumber === null) throw new CliError(`federation ${federation.id} has no organisation number yet: set it on the förbund's settings page`);
      const year = Number(values.year);
      if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new CliError('--year must be a calendar year, e.g. 2025');
      const document = nationalSubmission({ db, instruments: loadInstruments(PATHS.indicators), config }, { ...federation, organisationNumber: federation.organisationNumber }, year);
      const text = values.csv ? csvText(submissionCsvRows(document)) : `${JSON.stringify(document, null, 2)}\n`;
      writeAudit(db, { actor: 'cli', federationId: federation.id, action: 'national.submission', target: auditTarget.export(values.out ? path.basename(values.out) : 'stdout'), detail: { year, format: values.csv ? 'csv' : 'json', cells: document.cells.length, hidden: document.cells.filter((c) => c.suppressed).length } });
      if (values.out) fs.writeFileSync(values.out, text);
      else process.stdout.write(text);
    },
  },
  'national-receive': {
    usage: 'national-receive [--replace] <file.json> …  (a national installation: receive förbund files, checked as on the page)',
    run: (args) => {
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { replace: { type: 'boolean', default: false } } });
      const config = loadConfig();
      if (config.mode !== 'national') throw new CliError('INDIKATOR_MODE=national: only a national installation receives submission files');
      if (positionals.length === 0) throw new CliError('name one or more submission files');
      const db = openDatabase(config.dbFile);
      let refused = 0;
      for (const file of positionals) {
        if (!fs.existsSync(file)) throw new CliError(`there is no file ${file}`);
        const receipt = receiveSubmission(db, fs.readFileSync(file, 'utf8'), { receivedBy: null, replace: values.replace, audit: (event) => writeAudit(db, { actor: 'cli', ...event }) });
        if (!receipt.ok) {
          refused++;
          for (const e of receipt.errors) console.error(`${file}: ${e.code} ${e.at} ${e.detail}`);
        } else {
          const d = receipt.document;
          console.log(`${file}: ${d.federation.name} (${d.federation.organisationNumber}) ${d.year}: ${receipt.outcome === 'exists' ? 'already received (add --replace to replace it)' : receipt.outcome}`);
          if (receipt.outcome === 'exists') refused++;
        }
      }
      if (refused > 0) throw new CliError(`${refused} of ${positionals.length} file(s) not received`);
    },
  },
  'create-token': {
    usage: 'create-token --federation <id> --role <federation_admin|staff|evaluator|board> [--name <n>]  (prints the token once)',
    run: (args) => {
      const { values } = parseArgs({ args, options: { federation: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } } });
      if (!FEDERATION_ROLES.includes(values.role as FederationRole)) throw new CliError(`--role must be one of ${FEDERATION_ROLES.join(', ')}`);
      const db = openDatabase(loadConfig().dbFile);
      const federationId = Number(values.federation);
      if (!getFederation(db, federationId)) throw new CliError('--federation must name an existing federation id');
      const { token, record } = createApiToken(db, { name: values.name ?? 'cli', federationId, role: values.role as FederationRole, createdBy: null });
      writeAudit(db, { actor: 'cli', federationId, action: 'token.create', target: auditTarget.token(record.id) });
      console.log(token);
    },
  },
  'issue-codes': {
    usage: 'issue-codes --intervention <id> --point <start|ongoing|exit|followup> --count <n>',
    run: (args) => {
      const { values } = parseArgs({ args, options: { intervention: { type: 'string' }, point: { type: 'string' }, count: { type: 'string' } } });
      const interventionId = Number(values.intervention);
      const count = Number(values.count);
      if (!Number.isInteger(interventionId)) throw new CliError('--intervention must be an intervention id (see list-interventions)');
      if (!MEASUREMENT_POINTS.includes(values.point as MeasurementPoint)) throw new CliError(`--point must be one of ${MEASUREMENT_POINTS.join(', ')}`);
      if (!Number.isInteger(count) || count < 1 || count > 10000) throw new CliError('--count must be a whole number from 1 to 10000');
      const db = openDatabase(loadConfig().dbFile);
      if (!getIntervention(db, interventionId)) throw new CliError(`no intervention ${interventionId}`);
      const point = getMeasurementPoint(db, interventionId, values.point as MeasurementPoint);
      if (!point) throw new CliError(`intervention ${interventionId} does not use the measurement point ${values.point}`);
      for (const code of issueAccessCodes(db, { measurementPointId: point.id, count })) console.log(code);
    },
  },
  purge: {
    usage: 'purge --exited-before <YYYY-MM-DD> [--stale-days <n>] [--dry-run]  (erases exited participants, unfinished questionnaires, expired sessions)',
    run: (args) => {
      const { values } = parseArgs({ args, options: { 'exited-before': { type: 'string' }, 'stale-days': { type: 'string', default: '365' }, 'dry-run': { type: 'boolean', default: false } } });
      const exitedBefore = values['exited-before'] ?? '';
      if (!isCalendarDate(exitedBefore)) throw new CliError('--exited-before must be a date as YYYY-MM-DD');
      const staleDays = Number(values['stale-days']);
      if (!Number.isInteger(staleDays) || staleDays < 1 || staleDays > 36500) throw new CliError('--stale-days must be a whole number of days from 1');
      const db = openDatabase(loadConfig().dbFile);
      const rule = { exitedBefore, staleDays };
      const dryRun = values['dry-run'];
      printRetention(dryRun ? retentionPlan(db, rule) : applyRetention(db, rule, 'cli'), rule, dryRun);
    },
  },
  backup: {
    usage: 'backup --to <file> [--force]  (an online copy of the database, safe while the server runs)',
    run: async (args) => {
      const { values } = parseArgs({ args, options: { to: { type: 'string' }, force: { type: 'boolean', default: false } } });
      if (!values.to) throw new CliError('--to must name the backup file');
      const target = path.resolve(values.to);
      const source = path.resolve(loadConfig().dbFile);
      if (!fs.existsSync(source)) throw new CliError(`there is no database at ${source} (INDIKATOR_DB)`);
      if (target === source) throw new CliError('--to must not be the database itself');
      if (fs.existsSync(target) && !values.force) throw new CliError(`${target} exists already; choose another file or add --force to overwrite it`);
      if (!fs.existsSync(path.dirname(target))) throw new CliError(`the folder ${path.dirname(target)} does not exist`);
      // Ctrl-C or a SIGTERM stops the backup at its next step and removes the partial copy.
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const bytes = await backupDatabase(source, target, { signal: stop.signal });
        console.log(`Backup written to ${target} (${(bytes / 1024 / 1024).toFixed(1)} MB, ${bytes} bytes).`);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    },
  },
  restore: {
    usage: 'restore --from <backup file>  (stop the server first; the old database and its -wal/-shm are kept beside it)',
    run: (args) => {
      const { values } = parseArgs({ args, options: { from: { type: 'string' } } });
      if (!values.from) throw new CliError('--from must name the backup file');
      const target = path.resolve(loadConfig().dbFile);
      const result = restoreDatabase(path.resolve(values.from), target);
      if (result.movedAside.length > 0) console.log(`Kept the old database beside it: ${result.movedAside.join(', ')}`);
      if (result.applied.length > 0) console.log(`Migrated the restored database: ${result.applied.join(', ')}`);
      console.log(`Restored ${path.resolve(values.from)} to ${target} (${result.bytes} bytes, integrity checked).`);
    },
  },
};

function printRetention(plan: RetentionPlan, rule: { exitedBefore: string; staleDays: number }, dryRun: boolean): void {
  const verb = dryRun ? 'Would erase' : 'Erased';
  console.log(`${verb} ${plan.participants.length} participant(s) who exited before ${rule.exitedBefore}.`);
  for (const p of plan.participants) {
    const c = p.counts;
    console.log(`  ${p.pseudonym}\texited ${p.exitedOn}\t${c.responses} responses, ${c.answers} answers, ${c.scores} scores, ${c.codes} codes`);
  }
  const answers = plan.staleResponses.reduce((sum, r) => sum + r.answers, 0);
  console.log(`${dryRun ? 'Would delete' : 'Deleted'} ${plan.staleResponses.length} unfinished questionnaire(s) untouched for more than ${rule.staleDays} days (${answers} answers).`);
  console.log(`${dryRun ? 'Would delete' : 'Deleted'} ${plan.expiredSessions} expired session(s).`);
  if (dryRun) console.log('Dry run: nothing was changed.');
}

class CliError extends Error {}

/**
 * The import's column mapping from the command line: a `--map "<column>=<item id>"` (or `=-` to
 * skip it) for each column the file names otherwise than the template, checked as the web page's
 * step checks it. The command line does not use or keep the mappings the import page remembers.
 */
function cliColumnMapping(t: TFunction, columns: FileColumn[], points: ImportPoint[], options: string[]): ColumnMapping {
  const given = new Map<string, string>();
  for (const option of options) {
    const at = option.lastIndexOf('=');
    if (at <= 0) throw new CliError(`--map takes "<column>=<item id>" (or "<column>=-" to skip the column), not "${option}"`);
    const name = headerName(option.slice(0, at), 1);
    if (!columns.some((c) => c.name === name)) throw new CliError(`--map names the column "${option.slice(0, at)}", which the file's header does not have`);
    given.set(name, option.slice(at + 1).trim());
  }
  const unmapped = unmappedColumns(columns, points);
  const needless = [...given.keys()].filter((name) => !unmapped.some((c) => c.name === name));
  if (needless.length) throw new CliError(`--map is only for columns not named as in the template; ${needless.join(', ')} already is`);
  if (unmapped.length === 0) return new Map();
  if (given.size === 0) {
    const names = unmapped.map((c) => `"${c.header}"`).join(', ');
    throw new CliError(`the file's columns ${names} are not the template's (item ids, participant_ref, point, submitted_on, language): map each with --map "<column>=<item id>", or skip it with --map "<column>=-"`);
  }
  const checked = checkMapping(columns, unmapped, unmapped.map((c) => given.get(c.name)), points);
  if (!checked.ok) throw new CliError(checked.errors.map((e) => t(`import.columnsStep.errors.${e.code}`, e.params)).join('\n'));
  return checked.mapping;
}

function readStdin(): string {
  try {
    return fs.readFileSync(0, 'utf8').split(/\r?\n/)[0] ?? '';
  } catch {
    return '';
  }
}

const [name, ...rest] = process.argv.slice(2);
const command = name ? COMMANDS[name] : undefined;
if (!command) {
  console.error(`Usage: npm run cli -- <command>\n${Object.values(COMMANDS).map((c) => `  ${c.usage}`).join('\n')}`);
  process.exit(name ? 2 : 0);
}
try {
  await command.run(rest);
} catch (err) {
  if (!(err instanceof CliError || (err instanceof Error && err.name !== 'Error'))) throw err;
  console.error(`error: ${err.message}`);
  process.exit(1);
}
