import Database from 'better-sqlite3';
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../../server/storage/db.js';
import { inGroupCommit } from '../../server/storage/groupCommit.js';

describe('group commit of participants\' writes', () => {
  let dir: string;
  let file: string;
  let db: Db;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'indikator-group-'));
    file = path.join(dir, 'g.sqlite');
    db = openDatabase(file, { busyTimeoutMs: 50 });
    db.exec('CREATE TABLE drafts (k INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    db.pragma('wal_checkpoint(TRUNCATE)');
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Pages appended to the write-ahead log since the last checkpoint: each commit appends the pages it changed. */
  const walFrames = () => (db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]!.log;

  it('writes what is asked in one turn of the event loop in one commit, each caller answered after it', async () => {
    const writes = Array.from({ length: 40 }, (_, k) => inGroupCommit(db, () => db.prepare('INSERT INTO drafts (k, v) VALUES (?, ?)').run(k, `svar ${k}`).changes));
    expect(db.prepare('SELECT count(*) FROM drafts').pluck().get(), 'nothing before the group runs').to.equal(0);
    expect(await Promise.all(writes)).to.deep.equal(Array(40).fill(1));
    expect(db.prepare('SELECT count(*) FROM drafts').pluck().get()).to.equal(40);
    // One commit of one table page (and the schema page at most), not forty.
    expect(walFrames()).to.be.below(5);

    // Writes asked one after the other (each awaited) are commits of their own.
    db.pragma('wal_checkpoint(TRUNCATE)');
    for (let k = 0; k < 10; k++) await inGroupCommit(db, () => db.prepare('UPDATE drafts SET v = ? WHERE k = 0').run(`ändrat ${k}`));
    expect(walFrames()).to.be.at.least(10);
  });

  it('rolls back a write that throws alone; the others in its group are kept', async () => {
    const add = (k: number) => () => db.prepare('INSERT INTO drafts (k, v) VALUES (?, ?)').run(k, 'x');
    const results = await Promise.allSettled([
      inGroupCommit(db, add(1)),
      inGroupCommit(db, () => { add(2)(); add(3)(); throw new Error('koden är återkallad'); }),
      inGroupCommit(db, add(4)),
    ]);
    expect(results.map((r) => r.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).to.have.property('message', 'koden är återkallad');
    expect(db.prepare('SELECT k FROM drafts ORDER BY k').pluck().all()).to.deep.equal([1, 4]);
  });

  it('fails the whole group with the storage fault while another process holds the write lock, writing nothing', async () => {
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      const results = await Promise.allSettled([1, 2, 3].map((k) => inGroupCommit(db, () => db.prepare('INSERT INTO drafts (k, v) VALUES (?, ?)').run(k, 'x'))));
      expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected', 'rejected']);
      for (const r of results) expect((r as PromiseRejectedResult).reason).to.have.property('code', 'SQLITE_BUSY');
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(db.prepare('SELECT count(*) FROM drafts').pluck().get()).to.equal(0);
    expect(await inGroupCommit(db, () => db.prepare('INSERT INTO drafts (k, v) VALUES (9, ?)').run('efter').changes), 'once the lock is gone').to.equal(1);
  });
});
