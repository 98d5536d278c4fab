// The uploaded files being checked or waiting to be confirmed, one job each: the file stays in a
// private temporary file (forms/upload.ts) until it is imported, cancelled or an hour old. The
// check runs in the background (services/csvImportFile.checkFile, letting other requests run),
// the page polls its progress. Jobs live in this process's memory: a restart forgets them (and
// removes nothing the import wrote, since nothing is written before the confirmation).

import { randomBytes } from 'node:crypto';
import type { ColumnMapping, ImportOutcome, ImportSetting } from '../domain/csvImport.js';
import type { FileColumn } from '../domain/importColumns.js';
import { removeUpload, type UploadedFile } from '../forms/upload.js';
import { checkFile, type CheckProgress } from './csvImportFile.js';

export const JOB_MAX_AGE_MS = 60 * 60 * 1000;

export interface ImportJob {
  id: string;
  /** Whose it is: only they see it, only in this intervention. */
  userId: number;
  interventionId: number;
  file: UploadedFile;
  createdAt: number;
  /** 'mapping': waiting for its unknown columns to be mapped (routes/csvImport, the column step) before it is checked. */
  state: 'mapping' | 'checking' | 'checked' | 'failed';
  /** The file's header and first values; `unmapped` the columns that are neither blank nor the template's. */
  columns: FileColumn[];
  unmapped: FileColumn[];
  /** What the unmapped columns were mapped to (empty when there were none). */
  mapping: ColumnMapping;
  progress: CheckProgress;
  outcome: ImportOutcome | null;
}

export class ImportJobs {
  private readonly jobs = new Map<string, ImportJob>();

  /** Takes an uploaded file in (the job owns it from now on): waiting for its columns to be mapped if any are unknown, else checked at once. */
  start(input: { userId: number; interventionId: number; file: UploadedFile; columns: FileColumn[]; unmapped: FileColumn[]; setting: ImportSetting }): ImportJob {
    this.sweep();
    const job: ImportJob = {
      id: randomBytes(16).toString('base64url'), userId: input.userId, interventionId: input.interventionId, file: input.file, createdAt: Date.now(),
      state: 'mapping', columns: input.columns, unmapped: input.unmapped, mapping: new Map(), progress: { rows: 0, bytes: 0 }, outcome: null,
    };
    this.jobs.set(job.id, job);
    if (input.unmapped.length === 0) this.check(job, input.setting, job.mapping);
    return job;
  }

  /** Checks the job's file in the background, its columns mapped as given. */
  check(job: ImportJob, setting: ImportSetting, mapping: ColumnMapping): void {
    Object.assign(job, { state: 'checking', mapping, progress: { rows: 0, bytes: 0 }, outcome: null });
    checkFile(job.file.path, job.file.encoding, setting, (p) => (job.progress = p), mapping).then(
      (outcome) => {
        job.outcome = outcome;
        job.state = 'checked';
      },
      (err: unknown) => {
        console.error('Indikator: checking an uploaded import file failed:', err);
        job.state = 'failed';
      },
    );
  }

  /** The job, if it is this user's in this intervention and not expired. */
  get(id: string, userId: number, interventionId: number): ImportJob | null {
    this.sweep();
    const job = this.jobs.get(id);
    return job && job.userId === userId && job.interventionId === interventionId ? job : null;
  }

  /** Ends a job and deletes its file (imported or cancelled). */
  finish(job: ImportJob): void {
    this.jobs.delete(job.id);
    removeUpload(job.file);
  }

  /** Ends every job (the server stops). */
  clear(): void {
    for (const job of [...this.jobs.values()]) this.finish(job);
  }

  private sweep(): void {
    const now = Date.now();
    for (const job of [...this.jobs.values()]) if (job.state !== 'checking' && now - job.createdAt > JOB_MAX_AGE_MS) this.finish(job);
  }
}
