// Reads a national submission file (domain/nationalSubmission.ts) against its JSON Schema
// (server/schemas/national-submission.v1.json) and the rules a schema cannot say: the period is
// the year, a hidden cell carries no numbers, a shown one is at least minGroupSize people and its
// distribution adds up, no cell twice. The producing installation checks its own file with it
// before it leaves; the national installation before anything is stored.

import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { MIN_GROUP_SIZE } from '../domain/suppression.js';
import { yearPeriod, type SubmissionDocument } from '../domain/nationalSubmission.js';
import { PATHS } from '../paths.js';

export const SUBMISSION_SCHEMA_FILE = path.join(PATHS.root, 'server', 'schemas', 'national-submission.v1.json');

const ajv = new Ajv({ allErrors: true, strict: true });
(addFormatsPlugin as unknown as (ajv: Ajv, formats: string[]) => Ajv)(ajv, ['date-time']);
const validate = ajv.compile<SubmissionDocument>(JSON.parse(fs.readFileSync(SUBMISSION_SCHEMA_FILE, 'utf8')) as object);

/** What is wrong with a file: a key under `national.fileErrors` in the translation files, and where (a JSON pointer) with the schema's own words. */
export interface SubmissionFileError { code: 'notJson' | 'schema' | 'period' | 'smallCell' | 'hiddenWithNumbers' | 'shownWithoutNumbers' | 'distribution' | 'duplicate'; at: string; detail: string }

export type SubmissionFileResult = { ok: true; document: SubmissionDocument } | { ok: false; errors: SubmissionFileError[] };

const MAX_ERRORS = 50;

export function readSubmissionFile(text: string): SubmissionFileResult {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return { ok: false, errors: [{ code: 'notJson', at: '', detail: err instanceof Error ? err.message : String(err) }] };
  }
  if (!validate(data)) {
    return { ok: false, errors: (validate.errors ?? []).slice(0, MAX_ERRORS).map((e) => ({ code: 'schema', at: e.instancePath || '/', detail: e.message ?? e.keyword })) };
  }
  const errors = documentErrors(data);
  return errors.length === 0 ? { ok: true, document: data } : { ok: false, errors: errors.slice(0, MAX_ERRORS) };
}

function documentErrors(doc: SubmissionDocument): SubmissionFileError[] {
  const errors: SubmissionFileError[] = [];
  const period = yearPeriod(doc.year);
  if (doc.period.from !== period.from || doc.period.to !== period.to) errors.push({ code: 'period', at: '/period', detail: `${doc.year}: ${period.from} – ${period.to}` });
  const least = Math.max(MIN_GROUP_SIZE, doc.minGroupSize);
  const seen = new Set<string>();
  doc.cells.forEach((c, k) => {
    const at = `/cells/${k}`;
    const id = `${c.respondentGroup}|${c.interventionKind}|${c.point}|${c.indicator}|${c.gender ?? ''}`;
    if (seen.has(id)) errors.push({ code: 'duplicate', at, detail: id });
    seen.add(id);
    const numbers = [c.n, c.mean, c.sd, c.sharePositive, c.distribution];
    if (c.suppressed) {
      if (c.reason === null || numbers.some((v) => v !== null)) errors.push({ code: 'hiddenWithNumbers', at, detail: id });
      return;
    }
    if (c.reason !== null || c.n === null || c.mean === null || c.sharePositive === null || c.distribution === null) return void errors.push({ code: 'shownWithoutNumbers', at, detail: id });
    if (c.n < least) errors.push({ code: 'smallCell', at, detail: `${id}: n = ${c.n}` });
    else if (c.distribution.reduce((s, v) => s + v, 0) !== c.n) errors.push({ code: 'distribution', at, detail: id });
  });
  const counts = [...doc.counts.map((c, k) => ({ ...c, at: `/counts/${k}` })), { ...doc.total, at: '/total' }];
  for (const c of counts) {
    if (c.suppressed ? c.questionnaires !== null || c.reason === null : c.reason !== null || c.questionnaires === null) errors.push({ code: c.suppressed ? 'hiddenWithNumbers' : 'shownWithoutNumbers', at: c.at, detail: '' });
    else if (!c.suppressed && c.questionnaires !== null && c.questionnaires > 0 && c.questionnaires < least) errors.push({ code: 'smallCell', at: c.at, detail: `questionnaires = ${c.questionnaires}` });
  }
  return errors;
}
