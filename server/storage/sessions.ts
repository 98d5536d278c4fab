import session from 'express-session';
import type { Db } from './db.js';
import { sql } from './statements.js';

type Data = session.SessionData & { userId?: number };

/** express-session's store on our SQLite file, so sessions survive restarts and "log out everywhere" can delete them. */
export class SqliteSessionStore extends session.Store {
  constructor(private readonly db: Db, private readonly ttlMs: number) {
    super();
  }

  // express-session calls these from its own callbacks (a touch when the answer ends): an error
  // thrown here would end the process, so each is passed on to the callback instead.

  override get(sid: string, cb: (err: unknown, data?: session.SessionData | null) => void): void {
    let row: { data: string } | undefined;
    try {
      row = sql<[string, number], { data: string }>(this.db, 'SELECT data FROM sessions WHERE sid = ? AND expires_at > ?').get(sid, Date.now());
    } catch (err) {
      return cb(err);
    }
    cb(null, row ? (JSON.parse(row.data) as session.SessionData) : null);
  }

  override set(sid: string, data: session.SessionData, cb?: (err?: unknown) => void): void {
    const expires = data.cookie?.expires ? new Date(data.cookie.expires).getTime() : Date.now() + this.ttlMs;
    try {
      sql(this.db, `INSERT INTO sessions (sid, user_id, data, expires_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (sid) DO UPDATE SET user_id = excluded.user_id, data = excluded.data, expires_at = excluded.expires_at`).run(sid, (data as Data).userId ?? null, JSON.stringify(data), expires);
    } catch (err) {
      return cb?.(err);
    }
    cb?.();
  }

  /** Moves the idle expiry on; when the database cannot take it now (locked, full), it moves with the next request. */
  override touch(sid: string, data: session.SessionData, cb?: () => void): void {
    this.set(sid, data, () => cb?.());
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    try {
      sql(this.db, 'DELETE FROM sessions WHERE sid = ?').run(sid);
    } catch (err) {
      return cb?.(err);
    }
    cb?.();
  }
}

export function destroyUserSessions(db: Db, userId: number): number {
  return sql(db, 'DELETE FROM sessions WHERE user_id = ?').run(userId).changes;
}

export function purgeExpiredSessions(db: Db): number {
  return sql(db, 'DELETE FROM sessions WHERE expires_at <= ?').run(Date.now()).changes;
}
