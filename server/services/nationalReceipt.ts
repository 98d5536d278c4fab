import { createHash } from 'node:crypto';
import { auditTarget } from '../domain/auditEvent.js';
import type { SubmissionDocument } from '../domain/nationalSubmission.js';
import { readSubmissionFile, type SubmissionFileError } from '../forms/submissionFile.js';
import type { AuditEvent } from '../security/audit.js';
import type { Db } from '../storage/db.js';
import { storeSubmission } from '../storage/nationalSubmissions.js';

// A national installation receives a förbund's submission file (the page and `npm run cli --
// national-receive` both come here): checked against its schema and rules, a year that has not
// begun refused, stored new or, only when asked, in place of the förbund's file for that year.
// The audit row is written in the same transaction as the file (or records the refusal).

export type Receipt =
  | { ok: false; errors: SubmissionFileError[] }
  | { ok: true; outcome: 'created' | 'replaced' | 'exists'; document: SubmissionDocument; sha256: string };

export function receiveSubmission(db: Db, text: string, opts: { receivedBy: number | null; replace: boolean; audit: (event: AuditEvent) => void; today?: Date }): Receipt {
  const read = readSubmissionFile(text);
  const errors = read.ok ? (read.document.year > (opts.today ?? new Date()).getUTCFullYear() ? [{ code: 'period' as const, at: '/year', detail: String(read.document.year) }] : []) : read.errors;
  if (!read.ok || errors.length > 0) {
    opts.audit({ action: 'national.refuse', detail: { errors: errors.slice(0, 5).map((e) => `${e.code} ${e.at}`) } });
    return { ok: false, errors };
  }
  const doc = read.document;
  const sha256 = createHash('sha256').update(text).digest('hex');
  const outcome = db.transaction(() => {
    const result = storeSubmission(db, doc, JSON.stringify(doc), sha256, opts.receivedBy, opts.replace);
    if (result !== 'exists') {
      opts.audit({
        action: result === 'replaced' ? 'national.replace' : 'national.receive',
        target: auditTarget.submission(doc.federation.organisationNumber, doc.year),
        detail: { federation: doc.federation.name, year: doc.year, sha256, cells: doc.cells.length },
      });
    }
    return result;
  })();
  return { ok: true, outcome, document: doc, sha256 };
}
