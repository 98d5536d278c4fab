// Every form staff, administrators and participants post, and every query string a page reads,
// as a JSON schema; its type is derived from it (FormOf). Parsed by parseForm (form.ts); rules
// across fields are there too (and the analysis filters' own in analysisQuery.ts).

import { EXIT_STATUSES } from '../domain/exitStatus.js';
import { INTERVENTION_KINDS, MEASUREMENT_POINTS, RESPONDENT_GROUPS } from '../domain/instrumentTypes.js';
import { LOCAL_REF_MAX_LENGTH } from '../domain/pseudonym.js';
import { TARGET_KINDS } from '../storage/projects.js';
import { FEDERATION_ROLES } from '../storage/users.js';
import type { FormOf, FormSchema } from './form.js';

const name = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;
const optionalText = (maxLength: number) => ({ type: 'string', maxLength }) as const;
const date = { type: 'string', format: 'date' } as const;
const email = { type: 'string', format: 'email', maxLength: 200 } as const;
/** An optional measurement round: checked against the förbund's rounds by a rule. */
const round = { type: 'integer', minimum: 1, errorCodes: { '*': 'staff.roundUnknown' } } as const;

// Participants, codes and paper forms (staff of an intervention).

export const newParticipantForm = {
  type: 'object',
  properties: {
    // A local reference is free text, so it is refused when it could be a personnummer.
    localRef: { type: 'string', maxLength: LOCAL_REF_MAX_LENGTH, notPersonnummer: true, errorCodes: { notPersonnummer: 'staff.localRefPersonnummer', maxLength: 'staff.localRefTooLong' } },
    startedOn: date,
  },
  additionalProperties: false,
} as const satisfies FormSchema;

export const bulkParticipantsForm = {
  type: 'object',
  properties: {
    count: { type: 'integer', minimum: 1, maximum: 200, errorCodes: { '*': 'staff.countInvalid' } },
    bulkStartedOn: date,
  },
  required: ['count'],
  additionalProperties: false,
} as const satisfies FormSchema;

export const exitForm = {
  type: 'object',
  properties: {
    exitedOn: { ...date, errorCodes: { required: 'staff.dateMissing' } },
    exitStatus: { type: 'string', enum: EXIT_STATUSES, errorCodes: { '*': 'staff.exitStatusMissing' } },
  },
  required: ['exitedOn', 'exitStatus'],
  additionalProperties: false,
} as const satisfies FormSchema;

/** Codes for a point of the intervention (checked by a rule) and an optional round. */
export const issueForm = {
  type: 'object',
  properties: {
    point: { type: 'string', enum: MEASUREMENT_POINTS, errorCodes: { '*': 'staff.pointUnknown' } }, round,
    // The second step of a code issue to many: confirmed, to the participants ticked.
    confirm: { type: 'string', enum: ['1'] },
    participants: { type: 'array', items: { type: 'integer', minimum: 1 }, maxItems: 5000, uniqueItems: true },
  },
  required: ['point'],
  additionalProperties: false,
} as const satisfies FormSchema;

/** How many anonymous codes to issue for a yearly questionnaire, and an optional round. */
export const anonymousIssueForm = {
  type: 'object',
  properties: { count: { type: 'integer', minimum: 1, maximum: 500, errorCodes: { '*': 'staff.anonymousCountInvalid' } }, round },
  required: ['count'],
  additionalProperties: false,
} as const satisfies FormSchema;

/** A code typed from a paper questionnaire: case, spaces and dashes do not matter (normalizeAccessCode). */
export const paperCodeForm = {
  type: 'object',
  properties: { code: { type: 'string', maxLength: 40, format: 'accessCode', errorCodes: { '*': 'staff.codeMalformed' } } },
  required: ['code'],
  additionalProperties: false,
} as const satisfies FormSchema;

export const slipsQuery = {
  type: 'object',
  properties: {
    point: { type: 'string', enum: MEASUREMENT_POINTS }, codes: { type: 'string', maxLength: 20_000 },
    // The staff's own reference is printed on a person's slip unless turned off: a slip given to the wrong person corrupts paired data.
    hideRef: { type: 'string', enum: ['1'] }, showRef: { type: 'string', enum: ['1'] },
    // The slips' language (not ?lang=, which is the page's own).
    slipLang: { type: 'string', pattern: '^[a-z]{2,3}(-[a-z0-9]+)?$' },
    lastDay: date,
    contact: { type: 'string', maxLength: 120 },
  },
  required: ['point'],
  additionalProperties: false,
} as const satisfies FormSchema;

/** A paper questionnaire typed in by staff: the date it was filled in (the answers are read against the instrument in domain/answerForm.ts). */
export const paperSubmitForm = {
  type: 'object',
  properties: { submittedOn: date },
  required: ['submittedOn'],
  additionalProperties: false,
} as const satisfies FormSchema;

/** Which questionnaire, point and language staff preview. */
export const previewQuery = {
  type: 'object',
  properties: { instrument: { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,60}$' }, point: { type: 'string', enum: MEASUREMENT_POINTS }, lang: { type: 'string', pattern: '^[a-z]{2,3}(-[a-z0-9]+)?$' } },
  additionalProperties: false,
} as const satisfies FormSchema;

/** The staff's participant list: search, filters, sorting and page. */
export const participantListQuery = {
  type: 'object',
  properties: {
    q: { type: 'string', maxLength: 60 },
    status: { type: 'string', enum: ['active', 'exited'] },
    missing: { type: 'string', enum: MEASUREMENT_POINTS },
    sort: { type: 'string', enum: ['registered', 'ref', 'pseudonym', 'started', 'exited'] },
    page: { type: 'integer', minimum: 1, maximum: 100_000 },
    // Back from typing in a paper questionnaire: its code, to say it is done.
    entered: { type: 'string', maxLength: 40, format: 'accessCode' },
  },
  additionalProperties: false,
} as const satisfies FormSchema;

export const issuedQuery = {
  type: 'object',
  properties: { issued: { type: 'string', maxLength: 40 }, imported: { type: 'integer', minimum: 0, maximum: 1_000_000 } },
  additionalProperties: false,
} as const satisfies FormSchema;

/** A CSV file pasted or read into the import page; confirm=1 imports what the preview showed. */
export const importForm = {
  type: 'object',
  properties: { csv: { type: 'string', verbatim: true }, confirm: { type: 'string', enum: ['1'] } },
  additionalProperties: false,
} as const satisfies FormSchema;

/** The column-mapping step of the import: one choice per column the file names otherwise than the template, in their order. */
export const importColumnsForm = {
  type: 'object',
  properties: { column: { type: 'array', items: { type: 'string', maxLength: 100 }, maxItems: 500 } },
  additionalProperties: false,
} as const satisfies FormSchema;

/** The box a staff member ticks before erasing a participant. */
export const confirmForm = {
  type: 'object',
  properties: { confirm: { type: 'string', enum: ['1'] } },
  required: ['confirm'],
  additionalProperties: false,
} as const satisfies FormSchema;

// The förbund's set-up (förbund administrators).

export const interventionForm = {
  type: 'object',
  properties: {
    name: name(200),
    kind: { type: 'string', enum: ['individual', 'structural'] },
    targetGroup: optionalText(500),
    startsOn: date,
    endsOn: date,
    subprojectId: { type: 'integer' },
    points: { type: 'array', items: { type: 'string', enum: MEASUREMENT_POINTS }, uniqueItems: true },
    instrumentId: { type: 'string', maxLength: 100 },
    staff: { type: 'array', items: { type: 'integer' } },
    // When participants are due (domain/worklist.ts): months, and days for a reminder.
    ongoingEveryMonths: { type: 'integer', minimum: 1, maximum: 60, errorCodes: { '*': 'form.monthsInvalid' } },
    followupAfterMonths: { type: 'integer', minimum: 1, maximum: 60, errorCodes: { '*': 'form.monthsInvalid' } },
    plannedLengthMonths: { type: 'integer', minimum: 1, maximum: 120, errorCodes: { '*': 'form.monthsInvalid' } },
    remindAfterDays: { type: 'integer', minimum: 1, maximum: 365, errorCodes: { '*': 'form.daysInvalid' } },
  },
  required: ['name', 'kind'],
  additionalProperties: false,
} as const satisfies FormSchema;

export const roundForm = {
  type: 'object',
  properties: { name: name(100), startsOn: date, endsOn: date },
  required: ['name', 'startsOn', 'endsOn'],
  additionalProperties: false,
} as const satisfies FormSchema;

export const settingsForm = {
  type: 'object',
  properties: {
    name: name(200), fk: optionalText(200), af: optionalText(200), region: optionalText(200), municipalities: optionalText(5000),
    organisationNumber: { type: 'string', maxLength: 20, format: 'organisationNumber', errorCodes: { format: 'form.organisationNumber', maxLength: 'form.organisationNumber' } },
  },
  required: ['name'],
  additionalProperties: false,
} as const satisfies FormSchema;

/** Whom to invite to which role: the person chooses their own password (or signs in to the account they have). */
export const userForm = {
  type: 'object',
  properties: { email, role: { type: 'string', enum: FEDERATION_ROLES } },
  required: ['email', 'role'],
  additionalProperties: false,
} as const satisfies FormSchema;

/** An invited person without an account names themselves and chooses a password. */
export const newAccountForm = {
  type: 'object',
  properties: { name: name(200), password: { type: 'string', maxLength: 1000, verbatim: true }, confirm: { type: 'string', maxLength: 1000, verbatim: true } },
  required: ['name', 'password'],
  additionalProperties: false,
} as const satisfies FormSchema;

export const roleForm = {
  type: 'object',
  properties: { role: { type: 'string', enum: FEDERATION_ROLES }, confirm: { type: 'string', enum: ['1'] } },
  required: ['role'],
  additionalProperties: false,
} as const satisfies FormSchema;

export const tokenForm = {
  type: 'object',
  properties: { name: name(100), role: { type: 'string', enum: FEDERATION_ROLES } },
  required: ['name', 'role'],
  additionalProperties: false,
} as const satisfies FormSchema;

export const auditQuery = {
  type: 'object',
  properties: { action: optionalText(100), user: optionalText(100), from: date, to: date, page: { type: 'integer', minimum: 1, maximum: 1_000_000 } },
  additionalProperties: false,
} as const satisfies FormSchema;

// The installation (system administrators): förbund and regional projects.

export const federationForm = {
  type: 'object',
  properties: { name: name(200), adminEmail: email },
  required: ['name', 'adminEmail'],
  additionalProperties: false,
} as const satisfies FormSchema;

export const projectForm = {
  type: 'object',
  properties: { name: name(200), startsOn: date, endsOn: date },
  required: ['name'],
  additionalProperties: false,
} as const satisfies FormSchema;

export const subprojectForm = {
  type: 'object',
  properties: { federationId: { type: 'integer' }, name: name(200) },
  required: ['federationId', 'name'],
  additionalProperties: false,
} as const satisfies FormSchema;

export const targetForm = {
  type: 'object',
  properties: {
    label: name(200),
    kind: { type: 'string', enum: TARGET_KINDS },
    target: { type: 'integer', minimum: 1, maximum: 1_000_000 },
    exitStatuses: { type: 'array', items: { type: 'string', enum: EXIT_STATUSES }, uniqueItems: true },
  },
  required: ['label', 'kind', 'target'],
  additionalProperties: false,
} as const satisfies FormSchema;

/** A custom target names its exit statuses. */
export const customTargetHasStatuses = (v: FormOf<typeof targetForm>) =>
  v.kind === 'custom' && !v.exitStatuses?.length ? { field: 'exitStatuses', code: 'form.required' } : null;

export const memberForm = {
  type: 'object',
  properties: { email },
  required: ['email'],
  additionalProperties: false,
} as const satisfies FormSchema;

// Signing in and one's own account.

export const loginForm = {
  type: 'object',
  properties: { email: optionalText(200), password: { type: 'string', maxLength: 1000, verbatim: true }, next: optionalText(2000), reset: { type: 'string', enum: ['1'] } },
  additionalProperties: false,
} as const satisfies FormSchema;

export const passwordForm = {
  type: 'object',
  properties: { current: { type: 'string', maxLength: 1000, verbatim: true }, password: { type: 'string', maxLength: 1000, verbatim: true }, confirm: { type: 'string', maxLength: 1000, verbatim: true } },
  additionalProperties: false,
} as const satisfies FormSchema;

/** The second factor at sign-in or when setting it up: a six-digit code or a recovery code. */
export const secondFactorForm = {
  type: 'object',
  properties: { code: optionalText(40) },
  additionalProperties: false,
} as const satisfies FormSchema;

/** Turning the second factor off asks for the password again. */
export const removeSecondFactorForm = {
  type: 'object',
  properties: { current: { type: 'string', maxLength: 1000, verbatim: true } },
  additionalProperties: false,
} as const satisfies FormSchema;

/** Whether a förbund's users sign in only through single sign-on (a ticked box sends 1). */
export const ssoSettingForm = {
  type: 'object',
  properties: { ssoRequired: { type: 'string', enum: ['1'] } },
  additionalProperties: false,
} as const satisfies FormSchema;

/** Where single sign-on was started from: the page to land on afterwards. */
export const ssoStartForm = {
  type: 'object',
  properties: { next: optionalText(2000) },
  additionalProperties: false,
} as const satisfies FormSchema;

/** Asking for a password reset link by e-mail. */
export const forgotPasswordForm = {
  type: 'object',
  properties: { email },
  required: ['email'],
  additionalProperties: false,
} as const satisfies FormSchema;

/** Choosing a new password through a reset link. */
export const resetPasswordForm = {
  type: 'object',
  properties: { password: { type: 'string', maxLength: 1000, verbatim: true }, confirm: { type: 'string', maxLength: 1000, verbatim: true } },
  required: ['password'],
  additionalProperties: false,
} as const satisfies FormSchema;

// A participant's way into the questionnaire (the answers themselves: domain/answerForm.ts).

export const codeEntryForm = {
  type: 'object',
  properties: { code: optionalText(100) },
  additionalProperties: false,
} as const satisfies FormSchema;

export const languageForm = {
  type: 'object',
  properties: { language: optionalText(20) },
  additionalProperties: false,
} as const satisfies FormSchema;

/** The buttons of a questionnaire page (the answers beside them are read by domain/answerForm.ts). */
export const pageControlsForm = {
  type: 'object',
  properties: { action: { type: 'string', enum: ['next', 'back', 'pause', 'autosave'] }, review: { type: 'string', enum: ['1'] } },
  additionalProperties: false,
} as const satisfies FormSchema;

export const reviewQuery = {
  type: 'object',
  properties: { review: { type: 'string', enum: ['1'] }, lang: optionalText(20) },
  additionalProperties: false,
} as const satisfies FormSchema;

// The analysis screens and the API (read by analysisQuery.ts).

const code = { type: 'string', pattern: '^[a-z0-9_]{1,40}$' } as const;

/** Which answers: a round, a person group, the points (the analysis screens and the response export). */
const answerFilters = {
  round: { type: 'integer', minimum: 1 },
  gender: code,
  ageBand: code,
  points: { type: 'array', items: { type: 'string', enum: MEASUREMENT_POINTS }, uniqueItems: true },
} as const;

export const analysisQueryForm = {
  type: 'object',
  properties: {
    ...answerFilters,
    /** The form's one "Grupp" select: gender:woman, ageBand:30_39. */
    group: { type: 'string', pattern: '^(gender|ageBand):[a-z0-9_]{1,40}$' },
    indicator: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,60}$' },
    point: { type: 'string', enum: MEASUREMENT_POINTS },
    intervention: { type: 'integer', minimum: 1 },
    /** Regional analysis: only these förbund, or only this delprojekt. */
    federations: { type: 'array', items: { type: 'integer', minimum: 1 }, uniqueItems: true, maxItems: 200 },
    subproject: { type: 'integer', minimum: 1 },
    format: { type: 'string', enum: ['html', 'csv'] },
    table: { type: 'string', pattern: '^[a-z_]{1,30}$' },
  },
  additionalProperties: false,
} as const satisfies FormSchema;

/** The response-level export (routes/responseExport.ts): the analysis screens' person and time filters, the layout and the program it is for. */
export const exportQueryForm = {
  type: 'object',
  properties: {
    ...answerFilters,
    layout: { type: 'string', enum: ['wide', 'long'] },
    dialect: { type: 'string', enum: ['standard', 'excel-sv'] },
    freeText: { type: 'string', enum: ['1'] },
  },
  additionalProperties: false,
} as const satisfies FormSchema;

/** The free-text page's query: back from hiding an answer. */
export const freeTextQuery = {
  type: 'object',
  properties: { hidden: { type: 'string', enum: ['1'] } },
  additionalProperties: false,
} as const satisfies FormSchema;

/** Hiding one free-text answer (routes/freeText.ts). */
export const hideFreeTextForm = {
  type: 'object',
  properties: { responseId: { type: 'integer', minimum: 1 }, itemId: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,60}$' } },
  required: ['responseId', 'itemId'],
  additionalProperties: false,
} as const satisfies FormSchema;

/** A calendar year in a query (the national submission's, the national report's). */
const year = { type: 'integer', minimum: 2000, maximum: 2100 } as const;

/** The national submission page's query: which year. */
export const submissionQuery = {
  type: 'object',
  properties: { year },
  additionalProperties: false,
} as const satisfies FormSchema;

/** The national report's selection: year, respondent group, kind of intervention, point. */
export const nationalReportQuery = {
  type: 'object',
  properties: {
    year,
    group: { type: 'string', enum: RESPONDENT_GROUPS },
    kind: { type: 'string', enum: INTERVENTION_KINDS },
    point: { type: 'string', enum: MEASUREMENT_POINTS },
  },
  additionalProperties: false,
} as const satisfies FormSchema;

/** A submission file received by a national installation (pasted, or read into the form by public/js/file-field.js). */
export const submissionUploadForm = {
  type: 'object',
  properties: { document: { type: 'string', maxLength: 8_000_000, verbatim: true }, replace: { type: 'string', enum: ['1'] } },
  required: ['document'],
  additionalProperties: false,
} as const satisfies FormSchema;
