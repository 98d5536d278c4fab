import session from 'express-session';
import type { Db } from './db.js';
import { sql } from './statements.js';

type Data = session.SessionData & { userId?: number };

/** express-session's store on our SQLite file, so sessions survive restarts and "log out everywhere" can delete them. */
export class SqliteSessionStore extends session.Store {
  constructor(private readonly db: Db, private readonly ttlMs: number) {
    super();
  }

  override get(sid: string, cb: (err: unknown, data?: session.SessionData | null) => void): void {
    const row = sql<[string, number], { data: string }>(this.db, 'SELECT data FROM sessions WHERE sid = ? AND expires_at > ?').get(sid, Date.now());
    cb(null, row ? (JSON.parse(row.data) as session.SessionData) : null);
  }

  override set(sid: string, data: session.SessionData, cb?: (err?: unknown) => void): void {
    const expires = data.cookie?.expires ? new Date(data.cookie.expires).getTime() : Date.now() + this.ttlMs;
    sql(this.db, `INSERT INTO sessions (sid, user_id, data, expires_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (sid) DO UPDATE SET user_id = excluded.user_id, data = excluded.data, expires_at = excluded.expires_at`).run(sid, (data as Data).userId ?? null, JSON.stringify(data), expires);
    cb?.();
  }

  override touch(sid: string, data: session.SessionData, cb?: () => void): void {
    this.set(sid, data, () => cb?.());
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    sql(this.db, 'DELETE FROM sessions WHERE sid = ?').run(sid);
    cb?.();
  }
}

export function destroyUserSessions(db: Db, userId: number): number {
  return sql(db, 'DELETE FROM sessions WHERE user_id = ?').run(userId).changes;
}

export function purgeExpiredSessions(db: Db): number {
  return sql(db, 'DELETE FROM sessions WHERE expires_at <= ?').run(Date.now()).changes;
}
