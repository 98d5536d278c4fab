// The uploaded files being checked or waiting to be confirmed, one job each: the file stays in a
// private temporary file (forms/upload.ts) until it is imported, cancelled or an hour old. The
// check runs in the background (services/csvImportFile.checkFile, letting other requests run),
// the page polls its progress. Jobs live in this process's memory: a restart forgets them (and
// removes nothing the import wrote, since nothing is written before the confirmation).

import { randomBytes } from 'node:crypto';
import type { ImportOutcome, ImportSetting } from '../domain/csvImport.js';
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
  state: 'checking' | 'checked' | 'failed';
  progress: CheckProgress;
  outcome: ImportOutcome | null;
}

export class ImportJobs {
  private readonly jobs = new Map<string, ImportJob>();

  /** Starts checking an uploaded file; the job owns the file from now on. */
  start(input: { userId: number; interventionId: number; file: UploadedFile; setting: ImportSetting }): ImportJob {
    this.sweep();
    const job: ImportJob = {
      id: randomBytes(16).toString('base64url'), userId: input.userId, interventionId: input.interventionId, file: input.file,
      createdAt: Date.now(), state: 'checking', progress: { rows: 0, bytes: 0 }, outcome: null,
    };
    this.jobs.set(job.id, job);
    checkFile(input.file.path, input.file.encoding, input.setting, (p) => (job.progress = p)).then(
      (outcome) => {
        job.outcome = outcome;
        job.state = 'checked';
      },
      (err: unknown) => {
        console.error('Indikator: checking an uploaded import file failed:', err);
        job.state = 'failed';
      },
    );
    return job;
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
