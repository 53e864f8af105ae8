import type { Conn } from '../db.js';
import { fromDbTime, toDbTime } from '../../lib/time.js';
import type { UserRole } from './users.js';

/**
 * A console session (table `sessions`). `id` is the SHA-256 of the cookie's token, so the table
 * alone does not let anyone in; `csrfToken` is what every form of the session must send back.
 */
export interface Session {
  id: string;
  userId: number;
  csrfToken: string;
  expiresAt: Date;
  createdAt: Date;
}

/** A live session with the user it belongs to. */
export interface SessionUser extends Session {
  email: string;
  role: UserRole;
  sellerId: number | null;
  sellerCode: string | null;
}

/** Stores a new session. */
export async function insertSession(conn: Conn, s: Session): Promise<void> {
  await conn('sessions').insert({ id: s.id, user_id: s.userId, csrf_token: s.csrfToken, expires_at: toDbTime(s.expiresAt), created_at: toDbTime(s.createdAt) });
}

/** The session `id` (the token's hash) with its user, when it has not expired at `now`; else undefined. */
export async function findLiveSession(conn: Conn, id: string, now: Date): Promise<SessionUser | undefined> {
  const row = (await conn('sessions')
    .join('users', 'users.id', 'sessions.user_id')
    .leftJoin('sellers', 'sellers.id', 'users.seller_id')
    .where('sessions.id', id)
    .andWhere('sessions.expires_at', '>', toDbTime(now))
    .first('sessions.*', 'users.email', 'users.role', 'users.seller_id', 'sellers.code as seller_code')) as Record<string, unknown> | undefined;
  if (!row) return undefined;
  return {
    id: String(row.id),
    userId: Number(row.user_id),
    csrfToken: String(row.csrf_token),
    expiresAt: fromDbTime(row.expires_at)!,
    createdAt: fromDbTime(row.created_at)!,
    email: String(row.email),
    role: row.role as UserRole,
    sellerId: row.seller_id === null || row.seller_id === undefined ? null : Number(row.seller_id),
    sellerCode: (row.seller_code as string | null) ?? null,
  };
}

/** Moves a session's expiry (sliding sessions). */
export async function extendSession(conn: Conn, id: string, expiresAt: Date): Promise<void> {
  await conn('sessions').where({ id }).update({ expires_at: toDbTime(expiresAt) });
}

/** Ends one session (logout). */
export async function deleteSession(conn: Conn, id: string): Promise<void> {
  await conn('sessions').where({ id }).delete();
}

/** Removes sessions expired before `now`; returns how many. */
export async function deleteExpiredSessions(conn: Conn, now: Date): Promise<number> {
  return conn('sessions').where('expires_at', '<=', toDbTime(now)).delete();
}
