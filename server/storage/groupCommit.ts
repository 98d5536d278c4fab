import { storageFault } from '../problem.js';
import type { Db } from './db.js';

interface Job {
  write: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for the participants' writes: the writes asked for in one turn of the event loop
 * run in one transaction, each in its own savepoint, and are answered together once it commits.
 * Under synchronous = FULL a commit waits for the disk (one fsync of the WAL), so fifty people
 * saving at once wait for a few fsyncs instead of fifty. A write is still on disk before its
 * caller hears it is saved. A write that throws is rolled back alone and its caller gets the
 * error; a storage fault (locked, full, read-only) fails the whole group, each caller then
 * retrying or answering as it would for its own write.
 */
class GroupCommit {
  private queue: Job[] = [];

  constructor(private readonly db: Db) {}

  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.queue.push({ write, resolve: resolve as (value: unknown) => void, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const jobs = this.queue;
    this.queue = [];
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      this.db.transaction(() => {
        for (const job of jobs) {
          this.db.exec('SAVEPOINT group_commit_job');
          try {
            outcomes.push({ ok: true, value: job.write() });
            this.db.exec('RELEASE group_commit_job');
          } catch (error) {
            if (storageFault(error)) throw error;
            this.db.exec('ROLLBACK TO group_commit_job');
            this.db.exec('RELEASE group_commit_job');
            outcomes.push({ ok: false, error });
          }
        }
      }).immediate();
    } catch (error) {
      for (const job of jobs) job.reject(error);
      return;
    }
    jobs.forEach((job, k) => {
      const outcome = outcomes[k]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    });
  }
}

const groups = new WeakMap<Db, GroupCommit>();

/** Runs `write` in the next group commit on `db`; resolves with its result once the group is on disk. */
export function inGroupCommit<T>(db: Db, write: () => T): Promise<T> {
  let group = groups.get(db);
  if (!group) groups.set(db, (group = new GroupCommit(db)));
  return group.run(write);
}
