import type { SubmissionDocument } from '../domain/nationalSubmission.js';
import type { Db } from './db.js';
import { sql } from './statements.js';

// The submission files a national installation has received: one per förbund (organisation
// number) and year, the file as it came (validated by forms/submissionFile.ts), never microdata.

export interface ReceivedSubmission {
  id: number;
  organisationNumber: string;
  federationName: string;
  year: number;
  schemaVersion: string;
  softwareVersion: string;
  producedAt: string;
  sha256: string;
  receivedAt: string;
  receivedBy: number | null;
  replacedCount: number;
}

const COLUMNS = `id, organisation_number AS organisationNumber, federation_name AS federationName, year, schema_version AS schemaVersion,
  software_version AS softwareVersion, produced_at AS producedAt, sha256, received_at AS receivedAt, received_by AS receivedBy, replaced_count AS replacedCount`;

export function findSubmission(db: Db, organisationNumber: string, year: number): ReceivedSubmission | undefined {
  return sql<[string, number], ReceivedSubmission>(db, `SELECT ${COLUMNS} FROM national_submissions WHERE organisation_number = ? AND year = ?`).get(organisationNumber, year);
}

export function getSubmission(db: Db, id: number): (ReceivedSubmission & { document: string }) | undefined {
  return sql<[number], ReceivedSubmission & { document: string }>(db, `SELECT ${COLUMNS}, document FROM national_submissions WHERE id = ?`).get(id);
}

export function listSubmissions(db: Db): ReceivedSubmission[] {
  return sql<[], ReceivedSubmission>(db, `SELECT ${COLUMNS} FROM national_submissions ORDER BY year DESC, federation_name, organisation_number`).all();
}

/** Every received file's document, oldest year first. */
export function submissionDocuments(db: Db): SubmissionDocument[] {
  return sql<[], string>(db, 'SELECT document FROM national_submissions ORDER BY year, organisation_number').pluck().all().map((text) => JSON.parse(text) as SubmissionDocument);
}

/** A number that moves whenever a file is received or replaced. */
export function submissionsVersion(db: Db): string {
  return sql<[], string>(db, `SELECT count(*) || ':' || coalesce(sum(replaced_count), 0) || ':' || coalesce(max(id), 0) FROM national_submissions`).pluck().get()!;
}

/**
 * Stores a validated file: new, or in place of the one received for the same förbund and year
 * when `replace` is set. Returns what happened; 'exists' writes nothing.
 */
export function storeSubmission(db: Db, doc: SubmissionDocument, text: string, sha256: string, receivedBy: number | null, replace: boolean): 'created' | 'replaced' | 'exists' {
  const existing = findSubmission(db, doc.federation.organisationNumber, doc.year);
  if (existing && !replace) return 'exists';
  if (existing) {
    sql(db, `UPDATE national_submissions SET federation_name = ?, schema_version = ?, software_version = ?, produced_at = ?, sha256 = ?, document = ?,
      received_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), received_by = ?, replaced_count = replaced_count + 1 WHERE id = ?`)
      .run(doc.federation.name, doc.schemaVersion, doc.software.version, doc.producedAt, sha256, text, receivedBy, existing.id);
    return 'replaced';
  }
  sql(db, `INSERT INTO national_submissions (organisation_number, federation_name, year, schema_version, software_version, produced_at, sha256, document, received_by)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(doc.federation.organisationNumber, doc.federation.name, doc.year, doc.schemaVersion, doc.software.version, doc.producedAt, sha256, text, receivedBy);
  return 'created';
}
